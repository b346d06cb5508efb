// The head's shapes, apart from head.ts so its argument checks (head-checks.ts) can name them
// without importing the training loop back.

export interface HeadConfig {
  inputDim: number;
  numClasses: number;
  /** 0 = plain (multinomial) logistic regression. */
  hiddenUnits: number;
  dropout: number;
  seed: number;
}

export interface HeadTrainData {
  /** Row-major [trainY.length, dim]. */
  trainX: Float32Array;
  trainY: Int32Array;
  valX: Float32Array;
  valY: Int32Array;
  dim: number;
  numClasses: number;
}
