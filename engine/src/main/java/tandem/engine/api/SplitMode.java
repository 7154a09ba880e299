package tandem.engine.api;

/**
 * How a model is spread over several devices: NONE (one device), LAYER (consecutive layers per
 * device), TENSOR (every layer split across all devices, two all-reduces per layer).
 */
public enum SplitMode { NONE, LAYER, TENSOR }
