/**
 * The equation being simulated, typeset with KaTeX (models.md §1, §1.1): the Landau equation
 * with the chosen kernel and the particle system of the chosen noise. Only constant TeX from
 * this file and formatted numbers are typeset (nothing from the link reaches KaTeX as text).
 */
import katex from 'katex';
import { useMemo } from 'react';
import type { Noise } from '../physics/params';
import { useAppState } from './storeContext';

function tex(src: string): string {
  return katex.renderToString(src, { displayMode: true, throwOnError: false, trust: false, output: 'htmlAndMathml' });
}

const LANDAU = String.raw`\partial_t f = \nabla_v\!\cdot\!\Big[(a*f)\,\nabla_v f-(b*f)\,f\Big]`;
const KERNELS = String.raw`a(z)=\alpha_\varepsilon(|z|)\,\big(|z|^2 I-z z^{\mathsf T}\big),\qquad b(z)=-(d-1)\,\alpha_\varepsilon(|z|)\,z`;

const SDE: Record<Noise, { tex: string; note: string }> = {
  nanbu: {
    tex: String.raw`dV^i=\frac{2}{N}\sum_{j=1}^{N} b(V^i-V^j)\,dt+\sqrt{2}\,\Big(\frac1N\sum_{j=1}^{N} a(V^i-V^j)\Big)^{1/2} dB^i`,
    note: 'nanbu: N Brownian motions. The square root is the Cholesky factor L of Ā (L Lᵀ = Ā, same law as the symmetric root).',
  },
  fgm: {
    tex: String.raw`dV^i=\frac{2}{N}\sum_{j} b(V^i-V^j)\,dt+\sqrt{\tfrac{2}{N}}\sum_{j} a^{1/2}(V^i-V^j)\,dB^{ij},\quad a^{1/2}(z)=\alpha_\varepsilon(|z|)^{1/2}|z|\,\Pi(z)`,
    note: 'fgm (Fontbona–Guérin–Méléard): N² independent pair Brownian motions, generated on the fly per (seed, step, pair).',
  },
  kac: {
    tex: String.raw`dV^i=\frac{2}{N}\sum_{j} b(V^i-V^j)\,dt+\sqrt{\tfrac{2}{N}}\sum_{j} a^{1/2}(V^i-V^j)\,dB^{ij},\qquad B^{ji}=-B^{ij}`,
    note: 'kac: antisymmetric pair noises: Σ V^i is conserved exactly, the energy almost surely in continuous time (an Euler–Maruyama step changes it by O(dt)).',
  },
  rotation: {
    tex: String.raw`dV^i=\frac{2}{N}\sum_{j} b(V^i-V^j)\,dt+\sqrt{\tfrac{2}{N}}\sum_{j}\sum_{\alpha<\beta}\alpha_\varepsilon^{1/2}\,\xi_{\alpha\beta}(V^i-V^j)\,dB^{ij,\alpha\beta},\quad \sum_{\alpha<\beta}\xi_{\alpha\beta}\xi_{\alpha\beta}^{\mathsf T}=|z|^2I-zz^{\mathsf T}`,
    note: 'rotation (models.md §1.4): noise along the rotation generators ξ_αβ, d(d−1)/2 independent scalar noises per ordered pair: no matrix root; same Liouville equation as nanbu.',
  },
  'rotation-shared': {
    tex: String.raw`dV^i=\frac{2}{N}\sum_{j} b(V^i-V^j)\,dt+\sqrt{\tfrac{2}{N}}\sum_{j}\sum_{\alpha<\beta}\alpha_\varepsilon^{1/2}\,\xi_{\alpha\beta}(V^i-V^j)\,dB^{j,\alpha\beta}`,
    note: 'rotation-shared: the COUNTER-EXAMPLE (formula (1.8) as printed, models.md §1.4). Particle j’s Brownian motions drive every particle: common noise, so propagation of chaos fails; at γ = 0, E|V̄(t)|² = E(1 − e^(−2(d−1)t)) for every N.',
  },
};

function fmt(x: number): string {
  return String(+x.toPrecision(4));
}

const FIRST_ORDER_KERNELS: Record<string, string> = {
  'biot-savart': String.raw`K(x)=\frac{x^{\perp}}{2\pi(|x|^2+\varepsilon^2)}\quad\text{(Biot–Savart)}`,
  coulomb: String.raw`K(x)=\pm\chi\,c_d\,\frac{x}{(|x|^2+\varepsilon^2)^{d/2}}\quad\text{(Coulomb/Poisson)}`,
  riesz: String.raw`K(x)=\pm\chi\,c\,\frac{x}{(|x|^2+\varepsilon^2)^{(s+2)/2}}\quad\text{(Riesz)}`,
  regular: String.raw`K(x)=\mp\chi\,x\,e^{-|x|^2/2}\quad\text{(regular)}`,
};

export function Equation() {
  const p = useAppState((s) => s.params);
  const { gamma, eps, noise, d, model, interactions, batch } = p;
  const html = useMemo(() => {
    if (model === 'first-order') {
      return {
        caption: 'First-order mean-field system (models.md §3), positions in R^d:',
        eqs: [
          tex(String.raw`\partial_t \rho+\nabla\!\cdot\!\big(\rho\,K*\rho\big)=\sigma\,\Delta\rho`),
          tex(FIRST_ORDER_KERNELS[p.kernel] ?? ''),
          tex(String.raw`dX^i=\frac1N\sum_{j\neq i} m_j\,K(X^i-X^j)\,dt+\sqrt{2\sigma}\,dB^i,\quad \sigma=${fmt(p.sigma)},\ \varepsilon=${fmt(eps)},\ d=${d}`),
        ],
        note: 'Euler–Maruyama with step dt; circulations m_j for Biot–Savart, m_j = 1 otherwise.',
      };
    }
    if (model === 'torus') {
      return {
        caption: 'Landau-like equation on the torus T^d (models.md §2), nanbu particle system:',
        eqs: [
          tex(LANDAU),
          tex(String.raw`a(z)=\lambda I+\kappa\,w(z)w(z)^{\mathsf T},\ w(z)=\tfrac{1}{\sqrt d}(\sin 2\pi z_1,\dots,\sin 2\pi z_d),\ b=\nabla\!\cdot a,\quad\lambda=${fmt(p.lambda)},\ \kappa=${fmt(p.kappa)}`),
          tex(String.raw`dV^i=\frac{2}{N}\sum_{j\neq i} b(V^i-V^j)\,dt+\sqrt{2}\,\Big(\frac1N\sum_{j\neq i} a(V^i-V^j)\Big)^{1/2} dB^i\ \ (\mathrm{mod}\ 1)`),
        ],
        note: 'Equilibrium: the uniform density; H(f|1) decreases to 0.',
      };
    }
    const alpha = gamma === 0
      ? String.raw`\alpha_\varepsilon\equiv 1\quad(\gamma=0,\ \text{Maxwellian molecules})`
      : String.raw`\alpha_\varepsilon(r)=(r^2+\varepsilon^2)^{\gamma/2},\quad \gamma=${fmt(gamma)},\ \varepsilon=${fmt(eps)}`;
    const batches = interactions === 'batch';
    const exactPairs = batches && noise === 'kac' && batch === 2;
    // Random batches (models.md §1.5): the same system with its sums over j restricted to i's batch.
    const batchNote = exactPairs
      ? ` With random batches of p = 2 (models.md §1.5) kac runs EXACTLY: each step a fresh random pairing; a pair keeps its mean and |V^i − V^j|, and its direction makes a spherical Brownian move for s = 8λα_ε(|z|)dt, λ = (N−1)/N: momentum and energy exact every step.`
      : batches
        ? ` With random batches (models.md §1.5): each step a fresh random partition of the N particles into batches of p = ${batch} (the N mod p leftovers join the last), and the sums over j run over i's batch only, weighted so that their average over partitions is the all-pairs sum.`
        : '';
    const note = batches && noise === 'rotation-shared'
      ? 'rotation-shared in random batches: partner j’s noises drive only the members of j’s batch, so the common noise of the §1.4 counter-example is confined to batches; at p = 2 a pair’s two particles feel independent noises (rotation’s law). This is NOT the counter-example.'
      : SDE[noise].note;
    return {
      caption: 'The space-homogeneous Landau equation (models.md §1, collision constant C = 1):',
      eqs: [tex(LANDAU), tex(KERNELS), tex(`${alpha},\\quad d=${d}`)],
      sdeCaption: `approximated by the particle system (${noise}), i = 1…N, Euler–Maruyama with step dt:`,
      sde: tex(SDE[noise].tex),
      batch: batches
        ? tex(String.raw`\frac1N\sum_{j=1}^{N}\ \longrightarrow\ w_s\!\!\sum_{j\in\mathcal B(i),\,j\neq i},\qquad w_s=\frac{N-1}{N(s-1)},\ \ s=|\mathcal B(i)|\ (p=${batch})`)
        : null,
      note: note + batchNote,
    };
  }, [model, gamma, eps, noise, d, interactions, batch, p.kernel, p.sigma, p.lambda, p.kappa]);
  return (
    <section className="equation" aria-label="The equation being simulated">
      <h2>What is simulated</h2>
      <p className="eq-caption">{html.caption}</p>
      {html.eqs.map((h, k) => <div key={k} className="katex-block" dangerouslySetInnerHTML={{ __html: h }} />)}
      {'sde' in html && html.sde ? (
        <>
          <p className="eq-caption">{html.sdeCaption}</p>
          <div className="katex-block" dangerouslySetInnerHTML={{ __html: html.sde }} />
        </>
      ) : null}
      {'batch' in html && html.batch ? <div className="katex-block" dangerouslySetInnerHTML={{ __html: html.batch }} /> : null}
      <p className="eq-caption">{html.note}</p>
    </section>
  );
}
