/// Callbacks that change the optimizer's learning rate; `fit` then logs `learning_rate`.
public protocol LearningRateAdjusting: Callback {}
