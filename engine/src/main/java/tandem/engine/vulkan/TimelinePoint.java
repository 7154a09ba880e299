package tandem.engine.vulkan;

/** A value on a timeline semaphore: what a submit waits for or signals. */
public record TimelinePoint(long semaphore, long value) {}
