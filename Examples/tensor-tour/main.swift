import Strata

// A short tour of the engine: tensors, broadcasting, and gradients by reverse-mode autodiff.
let x = Tensor([[1, 2], [3, 4]])
let w = Tensor([[0.5], [-0.25]])
let b = Tensor([0.1])
print("x · w + b =", x.matmul(w) + b)

let target = Tensor([[0], [1]])
let (loss, grads) = valueWithGradient(at: [w, b]) { p in
  (x.matmul(p[0]) + p[1] - target).square().mean()
}
print("loss =", loss.scalar)
print("dL/dw =", grads[0])
print("dL/db =", grads[1])
let check = GradientCheck.check(at: [w, b]) { p in (x.matmul(p[0]) + p[1] - target).square().mean()
}
print(check)
