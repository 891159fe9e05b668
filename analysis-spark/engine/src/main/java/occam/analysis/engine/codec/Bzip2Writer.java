package occam.analysis.engine.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A bzip2 encoder at block size 9 that writes, byte for byte, what Commons Compress 1.28.0 writes
 * ({@code new BZip2CompressorOutputStream(out, 9)}, one {@code write} of the whole input, {@code close}), but with
 * the rotation sort of the Burrows-Wheeler transform supplied by the caller: Commons spends most of its time there.
 *
 * <p>The transform itself is unique (equal rotations precede equal bytes), so any correct sort gives the same
 * bytes; only in a periodic block may the position of the original rotation (origPtr) differ, and with it 24
 * bits of the block header, never the length. Every other step copies a decision of Commons, whose choices differ
 * in places from the bzip2 program's (see {@code Encoder.chooseTables} and {@link CodeLengths}):
 * <ol>
 *   <li>RLE1: runs of 4 to 255 equal bytes become 4 bytes and a count; a run is never split, and it goes into the
 *       current block while that holds at most 900,000 - 20 bytes, so a block holds 1 to 899,985 bytes;</li>
 *   <li>the block's CRC (CRC-32, MSB first, over the input bytes) and the stream's rotating combination of them;</li>
 *   <li>the transform's last column, move-to-front over the bytes in use, zero runs as RUNA/RUNB digits;</li>
 *   <li>2 to 6 Huffman tables by the number of symbols, an initial partition of the alphabet, four rounds of
 *       choosing a table per 50 symbols and rebuilding the tables, code lengths limited to 20 bits;</li>
 *   <li>the selectors move-to-front coded in unary, the tables' lengths delta coded, then the symbols.</li>
 * </ol>
 *
 * <p>{@link #compressedSize} runs the same decisions but counts the bits instead of writing them; the block's
 * symbol bits come from the last round's per-table symbol counts, which are exactly the coded symbols.
 *
 * <p>Thread-safe: every call works in buffers of its own (allocated once per call, reused across its blocks).
 */
final class Bzip2Writer {

    /** The rotation sort of the Burrows-Wheeler transform. */
    @FunctionalInterface
    interface RotationSorter {
        /**
         * The start indices of the n cyclic rotations of block[0..n) in ascending unsigned lexicographic order, in
         * the first n entries of the result (n &gt;= 1; the array may be longer than n). Equal rotations may come
         * in any order.
         */
        int[] order(byte[] block, int n);
    }

    /** "BZh9": magic, Huffman coding, 900 kB blocks. */
    private static final int STREAM_HEADER = 0x425A6839;
    /** The block header and end-of-stream magics, BCD pi and sqrt(pi), each 48 bits sent as two halves. */
    private static final int BLOCK_MAGIC_HI = 0x314159;
    private static final int BLOCK_MAGIC_LO = 0x265359;
    private static final int END_MAGIC_HI = 0x177245;
    private static final int END_MAGIC_LO = 0x385090;

    /**
     * Commons appends a run while the block holds at most 9 x 100,000 - 20 bytes (its "paranoia" margin; the test
     * is on the index of the last byte, {@code last < allowableBlockSize}), and a run adds up to 5 bytes.
     */
    static final int BLOCK_FILL_LIMIT = 9 * 100_000 - 20;
    static final int MAX_BLOCK = BLOCK_FILL_LIMIT + 5;
    /** RLE1 codes at most this many equal bytes as one run (4 copies and a count of 251). */
    private static final int MAX_RUN = 255;

    private static final int RUNA = 0;
    private static final int RUNB = 1;
    private static final int MAX_ALPHA = 258;
    private static final int MAX_TABLES = 6;
    /** Symbols per selector. */
    private static final int GROUP = 50;
    /** Rounds of table refinement (bzip2's N_ITERS). */
    private static final int ROUNDS = 4;
    /** Commons limits code lengths to 20 bits (the bzip2 program, since 1.0.3, to 17: not what Commons does). */
    static final int MAX_CODE_LENGTH = 20;
    /** The initial cost of a symbol outside a table's share of the alphabet (inside: 0). */
    private static final byte FAR = 15;
    /**
     * A symbol's lengths in all tables packed 10 bits apart in one long, so that one addition per symbol sums a
     * group's cost in every table: a group's cost is at most 50 x 20 = 1000 &lt; 2^10, so no field carries.
     */
    private static final int COST_BITS = 10;
    private static final int COST_MASK = (1 << COST_BITS) - 1;
    /** Move-to-front time line: a multiple of 64 well above 256 values, so that renumbering is rare. */
    private static final int TIMELINE = 1024;

    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** CRC-32 (polynomial 0x04C11DB7, MSB first), sliced 8 bytes at a time: row k advances a byte by k more. */
    private static final int[] CRC_TABLE = crcTable();

    private Bzip2Writer() {}

    /** The bzip2 stream of {@code data}: Commons Compress's bytes at block size 9 (see the class comment). */
    static byte[] compress(byte[] data, RotationSorter sorter) {
        BitWriter out = new BitWriter(64 + data.length / 4);
        new Encoder(data, sorter, out).encode();
        return out.toByteArray();
    }

    /** The length of {@link #compress}'s stream, counted without writing it. */
    static long compressedSize(byte[] data, RotationSorter sorter) {
        return (new Encoder(data, sorter, null).encode() + 7) >>> 3;
    }

    /** One call's state: the input, the block being built and the buffers of its coding. */
    private static final class Encoder {
        private final byte[] data;
        private final RotationSorter sorter;
        /** Null when only counting. */
        private final BitWriter out;

        /** The RLE1-coded block and which byte values it holds. */
        private final byte[] block;
        private final boolean[] inUse = new boolean[256];
        /** Per block, the in-use flags of byte values 16r..16r+15, the first in the top bit ({@link #collectRanges}). */
        private final int[] rangeFlags = new int[16];
        private int combinedCrc;

        /** Byte value to its rank among the values in use. */
        private final byte[] rankOf = new byte[256];
        /**
         * Move-to-front state: a bit per time, set at the time of each value's last use; the value used at each
         * time; each value's time of last use.
         */
        private final long[] timeline = new long[TIMELINE / 64];
        private final int[] valueAt = new int[TIMELINE];
        private final int[] lastUse = new int[256];
        /** The block's symbols: move-to-front ranks + 1, RUNA/RUNB digits of zero runs, end of block. */
        private final char[] symbols;
        private final int[] symbolFreq = new int[MAX_ALPHA];
        private int nSymbols;
        private int alphaSize;
        private int origPtr;

        private int nTables;
        private int nSelectors;
        private final byte[] selectors;
        private final byte[][] lengths = new byte[MAX_TABLES][MAX_ALPHA];
        /** Per table, how often each symbol was coded with it in the last round. */
        private final int[][] tableFreq = new int[MAX_TABLES][MAX_ALPHA];
        /** Per table and symbol, code << 5 | length. */
        private final int[][] codes = new int[MAX_TABLES][MAX_ALPHA];
        private final long[] packedLengths = new long[MAX_ALPHA];
        private final CodeLengths huffman = new CodeLengths();

        Encoder(byte[] data, RotationSorter sorter, BitWriter out) {
            this.data = data;
            this.sorter = sorter;
            this.out = out;
            // RLE1 grows its input by at most 5/4 (a run of 4 becomes 5 bytes)
            int capacity = (int) Math.min(MAX_BLOCK, data.length + data.length / 4L + 5);
            this.block = new byte[capacity];
            this.symbols = new char[capacity + 1];
            this.selectors = new byte[(capacity + 1 + GROUP - 1) / GROUP];
        }

        /** Codes the whole stream; returns its length in bits (before the padding to whole bytes). */
        long encode() {
            long bits = 32;
            if (out != null) {
                out.putInt32(STREAM_HEADER);
            }
            byte[] in = data;
            byte[] blk = block;
            boolean[] used = inUse;
            int end = in.length;
            int blockStart = 0;
            int n = 0;
            for (int pos = 0; pos < end;) {
                byte c = in[pos];
                int runEnd = pos + 1;
                int runLimit = Math.min(end, pos + MAX_RUN);
                while (runEnd < runLimit && in[runEnd] == c) {
                    runEnd++;
                }
                // a run goes whole into the block that has room when it ends (Commons' writeRun): the boundary
                // falls between runs, which are cut at 255 bytes whatever the block
                if (n > BLOCK_FILL_LIMIT) {
                    bits += endBlock(blockStart, pos, n);
                    blockStart = pos;
                    n = 0;
                }
                int run = runEnd - pos;
                used[c & 0xff] = true;
                if (run < 4) {
                    blk[n++] = c;
                    if (run > 1) {
                        blk[n++] = c;
                        if (run > 2) {
                            blk[n++] = c;
                        }
                    }
                } else {
                    blk[n] = c;
                    blk[n + 1] = c;
                    blk[n + 2] = c;
                    blk[n + 3] = c;
                    blk[n + 4] = (byte) (run - 4);
                    used[run - 4] = true;
                    n += 5;
                }
                pos = runEnd;
            }
            if (n > 0) {
                bits += endBlock(blockStart, end, n);
            }
            // an empty stream has no block, and its combined CRC is 0
            bits += 48 + 32;
            if (out != null) {
                out.ensure(48 + 32);
                out.put(24, END_MAGIC_HI);
                out.put(24, END_MAGIC_LO);
                out.putInt32(combinedCrc);
                out.finish();
            }
            return bits;
        }

        /** Codes block[0..n), the RLE1 form of data[from..to); returns its length in bits. */
        private long endBlock(int from, int to, int n) {
            int crc = crc(data, from, to);
            combinedCrc = (combinedCrc << 1 | combinedCrc >>> 31) ^ crc;
            int[] order = sorter.order(block, n);
            if (order.length < n) {
                throw new IllegalStateException("the rotation sort returned " + order.length + " < " + n + " entries");
            }
            moveToFront(order, n);
            chooseTables();
            collectRanges();
            long bits = blockBits();
            if (out != null) {
                out.ensure(bits);
                long before = out.bitCount();
                writeBlock(out, crc);
                assert out.bitCount() - before == bits :
                        out.bitCount() - before + " bits written, " + bits + " counted";
            }
            Arrays.fill(inUse, false);
            return bits;
        }

        /**
         * The transform's last column (the byte before each sorted rotation), move-to-front coded over the ranks
         * of the byte values in use; runs of rank 0 become their length in bijective base 2 (digits RUNA = 1,
         * RUNB = 2, least significant first); other ranks r become r + 1; the end-of-block symbol closes.
         *
         * <p>The list itself is not kept: a value's position in it is the number of distinct values used since
         * its last use. Each value's last use is a bit on a time line, so the position is a population count from
         * that bit to now, whatever the position (a list shifts up to 255 bytes per symbol on dense float data).
         */
        private void moveToFront(int[] order, int n) {
            int nInUse = 0;
            for (int b = 0; b < 256; b++) {
                if (inUse[b]) {
                    rankOf[b] = (byte) nInUse++;
                }
            }
            alphaSize = nInUse + 2;
            long[] live = timeline;
            int[] last = lastUse;
            int[] at = valueAt;
            // the initial list is 0, 1, ..., nInUse - 1: value 0 used last
            Arrays.fill(live, 0);
            for (int v = 0; v < nInUse; v++) {
                int t = nInUse - 1 - v;
                last[v] = t;
                at[t] = v;
                live[t >>> 6] |= 1L << t;
            }
            int now = nInUse;
            int[] freq = symbolFreq;
            Arrays.fill(freq, 0, alphaSize, 0);
            char[] syms = symbols;
            byte[] blk = block;
            byte[] rank = rankOf;
            int w = 0;
            int zeros = 0;
            int orig = -1;
            for (int i = 0; i < n; i++) {
                int p = order[i] - 1;
                if (Integer.compareUnsigned(p, n - 1) >= 0) {
                    // the rotation starting at 0: its preceding byte is the block's last
                    if (p != -1) {
                        throw new IllegalStateException("rotation start " + (p + 1) + " outside [0, " + n + ")");
                    }
                    p = n - 1;
                    orig = i;
                }
                int v = rank[blk[p] & 0xff] & 0xff;
                int t = last[v];
                if (t == now - 1) {
                    zeros++;
                    continue;
                }
                if (zeros > 0) {
                    w = putZeroRun(zeros, syms, w, freq);
                    zeros = 0;
                }
                // the values used after t: live bits above t (there are none at or above now)
                int word = t >>> 6;
                int j = Long.bitCount(live[word] & (-2L << t));
                for (int end = now >>> 6; word < end;) {
                    j += Long.bitCount(live[++word]);
                }
                live[t >>> 6] &= ~(1L << t);
                live[now >>> 6] |= 1L << now;
                last[v] = now;
                at[now] = v;
                if (++now == TIMELINE) {
                    now = compact(live, last, at);
                }
                syms[w++] = (char) (j + 1);
                freq[j + 1]++;
            }
            if (zeros > 0) {
                w = putZeroRun(zeros, syms, w, freq);
            }
            syms[w++] = (char) (nInUse + 1);
            freq[nInUse + 1]++;
            if (orig < 0) {
                throw new IllegalStateException("the rotation sort did not return rotation 0");
            }
            nSymbols = w;
            origPtr = orig;
        }

        /** Renumbers the live uses 0, 1, ... in their order, when the time line is full; returns the next time. */
        private static int compact(long[] live, int[] last, int[] at) {
            int k = 0;
            for (int word = 0; word < live.length; word++) {
                for (long bits = live[word]; bits != 0; bits &= bits - 1) {
                    int v = at[word << 6 | Long.numberOfTrailingZeros(bits)];
                    at[k] = v; // k is at most the time just read: nothing unread is overwritten
                    last[v] = k++;
                }
                live[word] = 0;
            }
            for (int t = 0; t < k; t++) {
                live[t >>> 6] |= 1L << t;
            }
            return k;
        }

        private static int putZeroRun(int zeros, char[] syms, int w, int[] freq) {
            for (int z = zeros - 1;; z = (z - 2) >> 1) {
                int digit = (z & 1) == 0 ? RUNA : RUNB;
                syms[w++] = (char) digit;
                freq[digit]++;
                if (z < 2) {
                    return w;
                }
            }
        }

        /**
         * Commons' table choice: the number of tables by the number of symbols, an initial partition of the
         * alphabet into runs of about equal frequency (length 0 inside a table's run, 15 outside), then four
         * rounds of choosing for each 50 symbols the cheapest table and rebuilding every table's code lengths
         * from the symbols it got. Ties go to the highest-numbered table (Commons scans the tables downward; the
         * bzip2 program scans upward and picks the lowest).
         */
        private void chooseTables() {
            int nSym = nSymbols;
            int alpha = alphaSize;
            int tables = nSym < 200 ? 2 : nSym < 600 ? 3 : nSym < 1200 ? 4 : nSym < 2400 ? 5 : 6;
            nTables = tables;

            int remaining = nSym;
            int lo = 0;
            for (int part = tables; part > 0; part--) {
                int target = remaining / part;
                int hi = lo - 1;
                int got = 0;
                while (got < target && hi < alpha - 1) {
                    got += symbolFreq[++hi];
                }
                // as in bzip2: every other middle table gives its last symbol back to the next one
                if (hi > lo && part != tables && part != 1 && ((tables - part) & 1) == 1) {
                    got -= symbolFreq[hi--];
                }
                byte[] len = lengths[part - 1];
                Arrays.fill(len, 0, alpha, FAR);
                if (hi >= lo) {
                    Arrays.fill(len, lo, hi + 1, (byte) 0);
                }
                lo = hi + 1;
                remaining -= got;
            }

            char[] sym = symbols;
            long[] packed = packedLengths;
            byte[] sel = selectors;
            int groups = 0;
            for (int round = 0; round < ROUNDS; round++) {
                for (int v = 0; v < alpha; v++) {
                    long p = 0;
                    for (int t = 0; t < tables; t++) {
                        p |= (long) lengths[t][v] << (COST_BITS * t);
                    }
                    packed[v] = p;
                }
                for (int t = 0; t < tables; t++) {
                    Arrays.fill(tableFreq[t], 0, alpha, 0);
                }
                groups = 0;
                for (int gs = 0; gs < nSym; gs += GROUP) {
                    int ge = Math.min(gs + GROUP, nSym);
                    long cost = 0;
                    for (int i = gs; i < ge; i++) {
                        cost += packed[sym[i]];
                    }
                    int best = tables - 1;
                    int bestCost = (int) (cost >>> (COST_BITS * best)) & COST_MASK;
                    for (int t = best - 1; t >= 0; t--) {
                        int c = (int) (cost >>> (COST_BITS * t)) & COST_MASK;
                        if (c < bestCost) {
                            bestCost = c;
                            best = t;
                        }
                    }
                    sel[groups++] = (byte) best;
                    int[] f = tableFreq[best];
                    for (int i = gs; i < ge; i++) {
                        f[sym[i]]++;
                    }
                }
                for (int t = 0; t < tables; t++) {
                    huffman.build(lengths[t], tableFreq[t], alpha);
                }
            }
            nSelectors = groups;
        }

        /** The block's length in bits, header to last symbol. */
        private long blockBits() {
            int alpha = alphaSize;
            long bits = 48 + 32 + 1 + 24 + 16 + 3 + 15;
            for (int r = 0; r < 16; r++) {
                if (rangeFlags[r] != 0) {
                    bits += 16;
                }
            }
            // selectors: move-to-front positions in unary
            byte[] list = {0, 1, 2, 3, 4, 5};
            for (int i = 0; i < nSelectors; i++) {
                bits += selectorRank(list, selectors[i]) + 1;
            }
            for (int t = 0; t < nTables; t++) {
                byte[] len = lengths[t];
                int[] f = tableFreq[t];
                int cur = len[0];
                bits += 5;
                for (int v = 0; v < alpha; v++) {
                    bits += 2 * Math.abs(len[v] - cur) + 1;
                    cur = len[v];
                    bits += (long) f[v] * len[v];
                }
            }
            return bits;
        }

        /** Fills {@link #rangeFlags} from the block's in-use bytes: once per block, for counting and for writing. */
        private void collectRanges() {
            for (int r = 0; r < 16; r++) {
                int bits = 0;
                for (int k = 0; k < 16; k++) {
                    bits = bits << 1 | (inUse[16 * r + k] ? 1 : 0);
                }
                rangeFlags[r] = bits;
            }
        }

        /** Moves table t to the front of the selector list; returns where it was. */
        private static int selectorRank(byte[] list, byte t) {
            int j = 0;
            byte moving = list[0];
            while (moving != t) {
                byte next = list[++j];
                list[j] = moving;
                moving = next;
            }
            list[0] = t;
            return j;
        }

        private void writeBlock(BitWriter w, int crc) {
            w.put(24, BLOCK_MAGIC_HI);
            w.put(24, BLOCK_MAGIC_LO);
            w.putInt32(crc);
            w.put(1, 0); // not randomised
            w.put(24, origPtr);

            int ranges = 0;
            for (int r = 0; r < 16; r++) {
                ranges = ranges << 1 | (rangeFlags[r] != 0 ? 1 : 0);
            }
            w.put(16, ranges);
            for (int r = 0; r < 16; r++) {
                if (rangeFlags[r] != 0) {
                    w.put(16, rangeFlags[r]);
                }
            }

            w.put(3, nTables);
            w.put(15, nSelectors);
            byte[] list = {0, 1, 2, 3, 4, 5};
            for (int i = 0; i < nSelectors; i++) {
                int j = selectorRank(list, selectors[i]);
                w.put(j + 1, ((1 << j) - 1) << 1); // j ones, then a zero
            }

            int alpha = alphaSize;
            for (int t = 0; t < nTables; t++) {
                byte[] len = lengths[t];
                int cur = len[0];
                w.put(5, cur);
                for (int v = 0; v < alpha; v++) {
                    for (; cur < len[v]; cur++) {
                        w.put(2, 2);
                    }
                    for (; cur > len[v]; cur--) {
                        w.put(2, 3);
                    }
                    w.put(1, 0);
                }
                assignCodes(len, codes[t], alpha);
            }
            writeSymbols(w);
        }

        /** Canonical codes: by length, then by symbol, consecutive values (what the decoder rebuilds). */
        private static void assignCodes(byte[] len, int[] code, int alpha) {
            int min = 32;
            int max = 0;
            for (int v = 0; v < alpha; v++) {
                min = Math.min(min, len[v]);
                max = Math.max(max, len[v]);
            }
            int next = 0;
            for (int l = min; l <= max; l++) {
                for (int v = 0; v < alpha; v++) {
                    if (len[v] == l) {
                        code[v] = next++ << 5 | l;
                    }
                }
                next <<= 1;
            }
        }

        private void writeSymbols(BitWriter w) {
            char[] sym = symbols;
            byte[] sel = selectors;
            int nSym = nSymbols;
            byte[] buf = w.buf;
            int pos = w.pos;
            long acc = w.acc;
            int pending = w.pending;
            for (int gs = 0, g = 0; gs < nSym; gs += GROUP, g++) {
                int[] code = codes[sel[g]];
                int ge = Math.min(gs + GROUP, nSym);
                for (int i = gs; i < ge; i++) {
                    int c = code[sym[i]];
                    int len = c & 31;
                    acc = acc << len | c >>> 5;
                    pending += len;
                    if (pending >= 32) {
                        pending -= 32;
                        INT_BE.set(buf, pos, (int) (acc >>> pending));
                        pos += 4;
                    }
                }
            }
            w.pos = pos;
            w.acc = acc;
            w.pending = pending;
        }
    }

    /**
     * Commons' Huffman code lengths (those of the bzip2 program): weights are frequencies (0 counted as 1) times
     * 256 plus the subtree's depth, merged from a binary heap; a tie between weights goes the way the heap's sift
     * leaves it, so the heap is reproduced step by step. While a code is longer than {@link #MAX_CODE_LENGTH},
     * every weight is halved (w -> 1 + w / 2) and the tree rebuilt; Commons halves all but the last symbol (the
     * end of block), which changes nothing: that symbol is coded at most once per block, and weight 1 halves to 1.
     */
    static final class CodeLengths {
        private final int[] heap = new int[MAX_ALPHA + 2];
        private final int[] weight = new int[MAX_ALPHA * 2];
        private final int[] parent = new int[MAX_ALPHA * 2];
        private int size;

        /** Fills len[0..alpha) from freq[0..alpha); returns how many times the weights were halved. */
        int build(byte[] len, int[] freq, int alpha) {
            int[] w = weight;
            for (int v = 0; v < alpha; v++) {
                w[v + 1] = Math.max(freq[v], 1) << 8;
            }
            for (int halvings = 0;; halvings++) {
                // nodes and heap entries count from 1; node 0 (weight 0) stops every upward sift
                w[0] = 0;
                heap[0] = 0;
                parent[0] = -2;
                size = 0;
                for (int v = 1; v <= alpha; v++) {
                    parent[v] = -1;
                    heap[++size] = v;
                    siftUp(size);
                }
                int nodes = alpha;
                while (size > 1) {
                    int a = pop();
                    int b = pop();
                    nodes++;
                    parent[a] = nodes;
                    parent[b] = nodes;
                    parent[nodes] = -1;
                    w[nodes] = ((w[a] & ~0xff) + (w[b] & ~0xff)) | (1 + Math.max(w[a] & 0xff, w[b] & 0xff));
                    heap[++size] = nodes;
                    siftUp(size);
                }
                boolean tooLong = false;
                for (int v = 1; v <= alpha; v++) {
                    int depth = 0;
                    for (int k = parent[v]; k >= 0; k = parent[k]) {
                        depth++;
                    }
                    len[v - 1] = (byte) depth;
                    tooLong |= depth > MAX_CODE_LENGTH;
                }
                if (!tooLong) {
                    return halvings;
                }
                for (int v = 1; v < alpha; v++) {
                    w[v] = (1 + ((w[v] >> 8) >> 1)) << 8;
                }
            }
        }

        private void siftUp(int at) {
            int[] w = weight;
            int node = heap[at];
            while (w[node] < w[heap[at >> 1]]) {
                heap[at] = heap[at >> 1];
                at >>= 1;
            }
            heap[at] = node;
        }

        /** Removes the heap's top; the last entry sinks from the top while a child is no heavier. */
        private int pop() {
            int[] w = weight;
            int top = heap[1];
            int node = heap[size--];
            int at = 1;
            while (true) {
                int child = at << 1;
                if (child > size) {
                    break;
                }
                if (child < size && w[heap[child + 1]] < w[heap[child]]) {
                    child++;
                }
                if (w[node] < w[heap[child]]) {
                    break;
                }
                heap[at] = heap[child];
                at = child;
            }
            heap[at] = node;
            return top;
        }
    }

    /** Bits, most significant first, into a growing byte array; up to 32 bits wait in {@code acc}. */
    private static final class BitWriter {
        byte[] buf;
        int pos;
        long acc;
        int pending;

        BitWriter(int capacity) {
            buf = new byte[Math.max(64, capacity)];
        }

        /** Appends the low n bits of v (0 &lt;= v &lt; 2^n, n &lt;= 32). */
        void put(int n, int v) {
            acc = acc << n | v;
            pending += n;
            if (pending >= 32) {
                pending -= 32;
                INT_BE.set(buf, pos, (int) (acc >>> pending));
                pos += 4;
            }
        }

        void putInt32(int v) {
            put(16, v >>> 16);
            put(16, v & 0xffff);
        }

        long bitCount() {
            return 8L * pos + pending;
        }

        /** Room for the next {@code bits} bits (and the 4-byte stores that write them). */
        void ensure(long bits) {
            long need = pos + (pending + bits) / 8 + 8;
            if (need > buf.length) {
                if (need > Integer.MAX_VALUE - 8) {
                    throw new OutOfMemoryError("bzip2 stream over 2 GB");
                }
                buf = Arrays.copyOf(buf, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 8, 2L * buf.length)));
            }
        }

        /** Writes the waiting bits, the last byte padded with zeros. */
        void finish() {
            ensure(0);
            for (; pending >= 8; pending -= 8) {
                buf[pos++] = (byte) (acc >>> (pending - 8));
            }
            if (pending > 0) {
                buf[pos++] = (byte) (acc << (8 - pending));
                pending = 0;
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /** bzip2's block CRC of data[from..to): CRC-32 MSB first, initial and final value all ones. */
    static int crc(byte[] data, int from, int to) {
        int[] t = CRC_TABLE;
        int c = -1;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONG_BE.get(data, i);
            int hi = c ^ (int) (x >>> 32);
            int lo = (int) x;
            c = t[7 * 256 + (hi >>> 24)] ^ t[6 * 256 + (hi >>> 16 & 0xff)] ^ t[5 * 256 + (hi >>> 8 & 0xff)]
                    ^ t[4 * 256 + (hi & 0xff)] ^ t[3 * 256 + (lo >>> 24)] ^ t[2 * 256 + (lo >>> 16 & 0xff)]
                    ^ t[256 + (lo >>> 8 & 0xff)] ^ t[lo & 0xff];
        }
        for (; i < to; i++) {
            c = c << 8 ^ t[(c >>> 24) ^ (data[i] & 0xff)];
        }
        return ~c;
    }

    private static int[] crcTable() {
        int[] t = new int[8 * 256];
        for (int b = 0; b < 256; b++) {
            int c = b << 24;
            for (int k = 0; k < 8; k++) {
                c = c < 0 ? c << 1 ^ 0x04C11DB7 : c << 1;
            }
            t[b] = c;
        }
        // row k: a byte followed by k zero bytes
        for (int k = 1; k < 8; k++) {
            for (int b = 0; b < 256; b++) {
                int prev = t[(k - 1) * 256 + b];
                t[k * 256 + b] = prev << 8 ^ t[prev >>> 24];
            }
        }
        return t;
    }
}
