# Sourced by device.sh and ab.sh on a bare NVIDIA machine: unpacks .gpubench/node.xz to /tmp/node
# and, if the Vulkan loader is missing, the .gl/*.deb loaders into /; points VK_DRIVER_FILES at
# the NVIDIA ICD when the driver ships one there.
xz -d -c .gpubench/node.xz > /tmp/node && chmod +x /tmp/node || exit 2
if ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$icd" ] && export VK_DRIVER_FILES=$icd
