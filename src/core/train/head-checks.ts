// Argument checks for head.ts, kept apart so the training loop reads top to bottom.
// Each message names the parameter and the value received.
import { TrainError } from './errors';
import type { HeadTrainConfig } from '../model/config';
import type { HeadConfig, HeadTrainData } from './head-types';

function fail(message: string): never {
  throw new TrainError('invalid-argument', message);
}

function positiveInt(where: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) fail(`${where}: ${name} must be a positive integer, got ${v}`);
}

export function checkHeadConfig(cfg: HeadConfig): void {
  positiveInt('createHead', 'inputDim', cfg.inputDim);
  if (!Number.isInteger(cfg.numClasses) || cfg.numClasses < 2) fail(`createHead: numClasses must be an integer ≥ 2, got ${cfg.numClasses}`);
  if (!Number.isInteger(cfg.hiddenUnits) || cfg.hiddenUnits < 0) fail(`createHead: hiddenUnits must be an integer ≥ 0, got ${cfg.hiddenUnits}`);
  if (!(cfg.dropout >= 0 && cfg.dropout < 1)) fail(`createHead: dropout must be in [0, 1), got ${cfg.dropout}`);
  if (!Number.isInteger(cfg.seed)) fail(`createHead: seed must be an integer, got ${cfg.seed}`);
}

export function checkHeadData(data: HeadTrainData, c: HeadTrainConfig): void {
  positiveInt('trainHead', 'epochs', c.epochs);
  positiveInt('trainHead', 'batchSize', c.batchSize);
  positiveInt('trainHead', 'dim', data.dim);
  if (!(c.learningRate > 0)) fail(`trainHead: learningRate must be > 0, got ${c.learningRate}`);
  if (!Number.isInteger(c.patience) || c.patience < 0) fail(`trainHead: patience must be an integer ≥ 0, got ${c.patience}`);
  if (!Number.isInteger(data.numClasses) || data.numClasses < 2) fail(`trainHead: numClasses must be an integer ≥ 2, got ${data.numClasses}`);
  if (data.trainY.length === 0) fail('trainHead: trainY is empty; at least one training row is needed');
  if (data.valY.length === 0) {
    throw new TrainError('empty-validation', 'trainHead: valY is empty; the best epoch is chosen on validation rows, so at least one is needed');
  }
  for (const [xName, yName] of [['trainX', 'trainY'], ['valX', 'valY']] as const) {
    const x = data[xName];
    const y = data[yName];
    if (x.length !== y.length * data.dim) {
      fail(`trainHead: ${xName} must hold ${yName}.length × dim = ${y.length} × ${data.dim} values, got ${x.length}`);
    }
    for (let i = 0; i < y.length; i++) {
      if (!(y[i]! >= 0 && y[i]! < data.numClasses)) fail(`trainHead: ${yName}[${i}] must be in [0, ${data.numClasses}), got ${y[i]}`);
    }
  }
}
