class Linalg(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def spectral(self: __torch__.Linalg,
    ws: List[Tensor],
    rtol: float,
    with_grads: bool) -> Tuple[List[Tensor], Tensor, Tensor]:
    # Spectral entropy H of each matrix W (m x n) and, when asked, dH/dW = U diag(g) V^T with
    # g_i = -(ln p_i + H) / sum(s), p_i = s_i / sum(s). The singular values and vectors come from the
    # eigendecomposition of the Gram matrix of the smaller side, in float64:
    #   m >= n: W^T W = V diag(s^2) V^T and U diag(g) V^T = W V diag(g / s) V^T
    #   m <  n: W W^T = U diag(s^2) U^T and U diag(g) V^T = U diag(g / s) U^T W
    # Singular values below rtol * max(s) are dropped (their vectors are not resolved in float64 Gram form).
    grads = annotate(List[Tensor], [])
    entropies = annotate(List[Tensor], [])
    sums = annotate(List[Tensor], [])
    for w in ws:
      x = w.double()
      tall = x.size(0) >= x.size(1)
      if tall:
        gram = torch.matmul(x.t(), x)
      else:
        gram = torch.matmul(x, x.t())
      lam, q = torch.linalg_eigh(gram, "L")
      s = lam.clamp(0.).sqrt()
      kept = s > s.max() * rtol
      s = torch.where(kept, s, torch.zeros_like(s))
      total = s.sum()
      p = s / total
      logp = torch.where(kept, torch.log(torch.where(kept, p, torch.ones_like(p))), torch.zeros_like(p))
      h = -(p * logp).sum()
      entropies.append(h)
      sums.append(total)
      if with_grads:
        coef = torch.where(kept, -(logp + h) / total / torch.where(kept, s, torch.ones_like(s)), torch.zeros_like(s))
        if tall:
          g = torch.matmul(torch.matmul(x, q * coef), q.t())
        else:
          g = torch.matmul(q * coef, torch.matmul(q.t(), x))
        grads.append(g.type_as(w))
    return (grads, torch.stack(entropies), torch.stack(sums))
