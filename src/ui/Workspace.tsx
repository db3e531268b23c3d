/**
 * The views' containers and the frame loop's lifetime: the loop is created when this mounts and
 * disposed when it unmounts (backends, passes, three.js objects, charts). React renders only the
 * frames and captions; the loop draws into the containers directly.
 */
import { useEffect, useRef } from 'react';
import { SimulationLoop } from '../app/simulationLoop';
import { setActiveLoop } from '../app/debugHooks';
import { ChaosPanel, EntropyControls } from './DiagnosticsPanels';
import { useAppState, useAppStore } from './storeContext';

export function Workspace() {
  const store = useAppStore();
  const cloud = useRef<HTMLDivElement>(null);
  const marginals = useRef<HTMLDivElement>(null);
  const heatmap = useRef<HTMLDivElement>(null);
  const curves = useRef<HTMLDivElement>(null);
  const entropy = useRef<HTMLDivElement>(null);
  const d = useAppState((s) => s.params.d);
  const replica = useAppState((s) => s.replica);
  const replicas = useAppState((s) => s.engine?.replicas ?? s.params.replicas);
  const n = useAppState((s) => s.engine?.n ?? s.params.n);
  const source = useAppState((s) => s.engine?.cloudSource);
  const engineKind = useAppState((s) => s.engine?.kind);
  const positions = useAppState((s) => s.params.model !== 'landau');
  const model = useAppState((s) => s.params.model);

  useEffect(() => {
    const loop = new SimulationLoop(store, { cloud: cloud.current!, marginals: marginals.current!, heatmap: heatmap.current!, curves: curves.current!, entropy: entropy.current! });
    setActiveLoop(loop);
    void loop.start();
    return () => {
      setActiveLoop(null);
      void loop.dispose();
    };
  }, [store]);

  return (
    <div className="workspace">
      <section className="panel panel-cloud" aria-labelledby="cloud-title">
        <h2 id="cloud-title">
          {model === 'torus' ? `The unit cell [0, 1)${d === 2 ? '²' : '³'}` : positions ? 'Particle positions' : 'Velocity cloud'}{d === 2 && model !== 'torus' ? (positions ? ' (the plane)' : ' (the plane of v₁, v₂)') : ''}
          <span className="muted"> — replica {Math.min(replica, replicas - 1)}{replicas > 1 ? ` of ${replicas}` : ''}, {n} particles · drag to {d === 3 ? 'rotate' : 'pan'}, wheel to zoom</span>
        </h2>
        <div ref={cloud} className="cloud-host" data-testid="cloud" data-source={source ?? ''} />
      </section>
      <section className="panel panel-marginals" aria-labelledby="marginals-title">
        <h2 id="marginals-title">Marginal densities <span className="muted">— histograms of all {replicas > 1 ? `${n} × ${replicas} particles (all replicas)` : `${n} particles`}, binned on the {source === undefined ? 'GPU' : engineKind === 'cpu' ? 'CPU' : 'GPU'}</span></h2>
        <div ref={marginals} className="marginals-host" data-testid="marginals" />
      </section>
      <section className="panel panel-heatmap" aria-labelledby="heatmap-title">
        <h2 id="heatmap-title">{positions ? <>(x<sub>1</sub>, x<sub>2</sub>) density</> : <>(v<sub>1</sub>, v<sub>2</sub>) density</>}{model === 'torus' ? <span className="muted"> — the unit cell, uniform at equilibrium</span> : null}</h2>
        <div ref={heatmap} className="heatmap-host" data-testid="heatmap" />
      </section>
      <section className="panel panel-curves" aria-labelledby="curves-title">
        <h2 id="curves-title">Curves over time <span className="muted">— averages over replicas; dashed/dotted: exact laws and references (models.md {positions ? '§2–3' : '§1.2–1.3'})</span></h2>
        <div ref={curves} className="curves-host" data-testid="curves" />
      </section>
      <section className="panel panel-entropy" aria-labelledby="entropy-title" data-testid="entropy-panel">
        <h2 id="entropy-title">{model === 'torus' ? 'Relaxation to the uniform law: H(f|1) and the cosine mode' : 'Entropy and Fisher information'} <span className="muted">— models.md §4; H = ∫ f log f (kinetic sign: decreasing)</span></h2>
        <EntropyControls />
        <div ref={entropy} className="curves-host entropy-host" data-testid="entropy" />
      </section>
      <ChaosPanel />
    </div>
  );
}
