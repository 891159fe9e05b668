class Linalg(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def spectral(self: __torch__.Linalg,
    ws: List[Tensor],
    rtol: float,
    with_grads: bool) -> Tuple[List[Tensor], Tensor]:
    # Spectral entropy H of each matrix W (m x n) and, when asked, dH/dW = U diag(g) V^T with
    # g_i = -(ln p_i + H) / sum(s), p_i = s_i / sum(s); in float64.
    # The singular vectors of the smaller side come from the eigendecomposition of its Gram matrix; the singular
    # values are then the norms of B = W V (tall) or B = U^T W (wide), which keeps small ones accurate (the
    # square roots of the Gram's eigenvalues would not). Then U diag(g) V^T = B diag(g / s) V^T (tall) or
    # U diag(g / s) B (wide). Singular values below rtol * max(s) count as 0 (no entropy, no gradient).
    grads = annotate(List[Tensor], [])
    entropies = annotate(List[Tensor], [])
    for w in ws:
      x = w.double()
      tall = x.size(0) >= x.size(1)
      if tall:
        lam, q = torch.linalg_eigh(torch.matmul(x.t(), x), "L")
        b = torch.matmul(x, q)
        s = torch.sqrt(torch.sum(b * b, 0))
      else:
        lam, q = torch.linalg_eigh(torch.matmul(x, x.t()), "L")
        b = torch.matmul(q.t(), x)
        s = torch.sqrt(torch.sum(b * b, 1))
      kept = s > s.max() * rtol
      s = torch.where(kept, s, torch.zeros_like(s))
      total = s.sum()
      p = s / total
      logp = torch.where(kept, torch.log(torch.where(kept, p, torch.ones_like(p))), torch.zeros_like(p))
      h = -(p * logp).sum()
      entropies.append(h)
      if with_grads:
        coef = torch.where(kept, -(logp + h) / total / torch.where(kept, s, torch.ones_like(s)), torch.zeros_like(s))
        if tall:
          g = torch.matmul(b * coef, q.t())
        else:
          g = torch.matmul(q, b * coef.unsqueeze(1))
        grads.append(g.type_as(w))
    return (grads, torch.stack(entropies))
