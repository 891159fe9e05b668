package occam.training;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps freed native memory in the process. PyTorch allocates every intermediate tensor with malloc; glibc serves
 * ~1 MB blocks with fresh pages and hands freed memory back to the kernel, so each training step page-faults its
 * working set in again. Measured on add (p = 113): 480k page faults in 30 epochs, 97k with these settings, and
 * about 10% less time per epoch. (PyTorch's CPU tuning guide gets the same effect by preloading jemalloc.)
 */
final class NativeMemory {

    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);

    /** glibc's mallopt parameters (malloc.h). */
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    /** Blocks up to glibc's largest allowed threshold come from the heap, not from fresh mappings. */
    private static final int MMAP_THRESHOLD = 32 << 20;
    /** Freed memory is returned to the kernel only beyond this much at the top of the heap. */
    private static final int TRIM_THRESHOLD = 256 << 20;

    private static boolean applied;

    private NativeMemory() {}

    interface LibC extends Library {
        int mallopt(int param, int value);
    }

    /** Once per process, on Linux (glibc); elsewhere, or if the call fails, nothing changes. */
    static synchronized void retainFreedMemory() {
        if (applied || !Platform.isLinux()) {
            return;
        }
        applied = true;
        try {
            LibC c = Native.load("c", LibC.class);
            if (c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) != 1 || c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) != 1) {
                LOG.debug("mallopt refused the settings; malloc keeps its defaults");
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.debug("no glibc mallopt ({}); malloc keeps its defaults", e.toString());
        }
    }
}
