package tandem.engine.model;

/**
 * How rotary position embedding pairs the elements of a head, as llama.cpp defines it.
 * NORMAL rotates adjacent pairs (x[2i], x[2i+1]) — llama.cpp's converter permutes Llama's Q/K
 * weights so this style applies. NEOX rotates (x[i], x[i + d/2]), as Qwen and GPT-NeoX do.
 */
public enum RopeStyle { NORMAL, NEOX }
