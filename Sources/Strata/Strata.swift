// `import Strata` is all a script needs: the engine comes with it.
@_exported import StrataTensor
