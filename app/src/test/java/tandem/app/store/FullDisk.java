package tandem.app.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file system that fills up: the temporary file takes {@code room} bytes, then writes fail as
 * Linux's do (a short write, then ENOSPC); with {@code failAtForce} every write lands and the flush
 * to disk fails instead, as on file systems that allocate only then. What was written stays in the
 * temporary file, as on a real disk.
 */
public final class FullDisk implements JsonStore.WriteChannel {
    public static final String ENOSPC = "No space left on device";

    /** Bytes a temporary file may hold. */
    final long room;
    private final boolean failAtForce;
    /** Bytes written into temporary files so far, over all saves. */
    final AtomicLong written = new AtomicLong();

    private FullDisk(long room, boolean failAtForce) {
        this.room = room;
        this.failAtForce = failAtForce;
    }

    /** Writes fail once a temporary file holds {@code room} bytes. */
    public static FullDisk after(long room) { return new FullDisk(room, false); }

    /** Writes land; forcing them to disk fails. */
    public static FullDisk atForce() { return new FullDisk(Long.MAX_VALUE, true); }

    @Override
    public FileChannel open(Path tmp) throws IOException {
        return new Filling(DISK.open(tmp));
    }

    private final class Filling extends FileChannel {
        private final FileChannel disk;

        Filling(FileChannel disk) { this.disk = disk; }

        @Override
        public int write(ByteBuffer src) throws IOException {
            long left = room - disk.size();
            if (left <= 0) throw new IOException(ENOSPC);
            if (src.remaining() <= left) return counted(disk.write(src));
            ByteBuffer part = src.slice().limit((int) left);
            int n = disk.write(part);
            src.position(src.position() + n);
            return counted(n);
        }

        private int counted(int n) {
            written.addAndGet(n);
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = 0;
            for (int i = offset; i < offset + length; i++) n += write(srcs[i]);
            return n;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (failAtForce) throw new IOException(ENOSPC);
            disk.force(metaData);
        }

        @Override public int read(ByteBuffer dst) throws IOException { return disk.read(dst); }
        @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return disk.read(dsts, offset, length); }
        @Override public long position() throws IOException { return disk.position(); }
        @Override public FileChannel position(long p) throws IOException { disk.position(p); return this; }
        @Override public long size() throws IOException { return disk.size(); }
        @Override public FileChannel truncate(long size) throws IOException { disk.truncate(size); return this; }
        @Override public long transferTo(long p, long count, WritableByteChannel target) throws IOException { return disk.transferTo(p, count, target); }
        @Override public long transferFrom(ReadableByteChannel src, long p, long count) { throw new UnsupportedOperationException(); }
        @Override public int read(ByteBuffer dst, long p) throws IOException { return disk.read(dst, p); }
        @Override public int write(ByteBuffer src, long p) { throw new UnsupportedOperationException(); }
        @Override public MappedByteBuffer map(MapMode mode, long p, long size) { throw new UnsupportedOperationException(); }
        @Override public FileLock lock(long p, long size, boolean shared) throws IOException { return disk.lock(p, size, shared); }
        @Override public FileLock tryLock(long p, long size, boolean shared) throws IOException { return disk.tryLock(p, size, shared); }
        @Override protected void implCloseChannel() throws IOException { disk.close(); }
    }
}
