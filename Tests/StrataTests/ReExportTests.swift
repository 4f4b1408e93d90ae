import Strata
import Testing

@Test func importingStrataGivesTheEngine() {
  // `import Strata` alone must give the engine's types (Strata re-exports StrataTensor).
  let t = Tensor([[1, 2], [3, 4]])
  #expect(t.sum().scalar == 10)
}
