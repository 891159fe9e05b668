package occam.analysis.engine.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sorted order of a block's cyclic rotations, which is what the Burrows-Wheeler transform of bzip2 needs, in
 * linear time.
 *
 * <p>Rotations are not suffixes, but they sort alike once the block starts at its least rotation: a Lyndon word
 * (and a power of one) is smaller than each of its proper suffixes and has no border, so wherever one suffix is a
 * prefix of another, the rotations' continuation decides the same way as the shorter suffix ranking first. So the
 * block is read from its least rotation (found in linear time) and its suffix array built by induced sorting
 * (SA-IS, Nong, Zhang and Chan 2009). The transform is unique, so any correct order gives bzip2 the same bytes;
 * equal rotations (a periodic block) may come in any order.
 */
final class RotationSort {

    /**
     * Each thread's work arrays, kept from call to call: a 900 kB block needs about 9 MB of them, which would
     * otherwise be allocated and zeroed afresh for every block.
     */
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private RotationSort() {}

    /** The start indices of block[0..n)'s rotations in ascending unsigned lexicographic order. */
    static int[] order(byte[] block, int n) {
        if (n < 1 || n > block.length) {
            throw new IllegalArgumentException("block length " + n + " is not in [1, " + block.length + "]");
        }
        int first = leastRotation(block, n);
        Workspace work = WORKSPACE.get();
        int[] text = work.text(n);
        for (int i = 0, j = first; i < n; i++, j = j + 1 == n ? 0 : j + 1) {
            text[i] = block[j] & 0xff;
        }
        int[] sa = new int[n];
        suffixArray(text, n, 256, sa, work, 0);
        for (int i = 0; i < n; i++) {
            int start = sa[i] + first;
            sa[i] = start >= n ? start - n : start;
        }
        return sa;
    }

    /** The start of block[0..n)'s lexicographically least rotation (two candidates, one advancing past the other). */
    static int leastRotation(byte[] block, int n) {
        int i = 0;
        int j = 1;
        int k = 0;
        while (i < n && j < n && k < n) {
            int a = i + k;
            int b = j + k;
            int x = block[a < n ? a : a - n] & 0xff;
            int y = block[b < n ? b : b - n] & 0xff;
            if (x == y) {
                k++;
                continue;
            }
            // Every rotation from the losing candidate to candidate + k is beaten by the matching one of the other.
            if (x > y) {
                i += k + 1;
            } else {
                j += k + 1;
            }
            if (i == j) {
                j++;
            }
            k = 0;
        }
        return Math.min(i, j);
    }

    /**
     * Fills sa[0..n) with the suffix array of s[0..n) (values in [0, k)), with an implicit end smaller than every
     * value: SA-IS. L-type positions are larger than the suffix after them, S-type smaller; the leftmost S of each
     * run (LMS) is sorted first, recursively by naming the substrings between them, and induces the order of all
     * the others.
     *
     * <p>No type array: a value greater than the next makes an L, a smaller one an S, an equal one the next's
     * type; and in a bucket (the suffixes starting with one value) the L-types come first, so a slot's position
     * tells its suffix's type.
     */
    private static void suffixArray(int[] s, int n, int k, int[] sa, Workspace work, int depth) {
        Level level = work.level(depth, n, k);
        // bucketStart[c]: the first slot of value c (bucketStart[k] = n); sStart[c]: its first S-type slot
        int[] bucketStart = level.bucketStart;
        int[] sStart = level.sStart;
        int[] cursor = level.cursor;
        // the LMS positions, right to left, then reversed
        int[] lms = level.lms;
        int m = 0;
        // counts[2c + t]: the positions of value c and type t (1: S), one increment per position (a run of equal
        // values chains its increments through memory)
        int[] counts = level.counts;
        Arrays.fill(counts, 0, 2 * k, 0);
        int next = s[n - 1];
        counts[2 * next]++; // position n - 1 is L-type: it is larger than the implicit end
        int sType = 0;
        for (int i = n - 2; i >= 0; i--) {
            int c = s[i];
            // branch-free (types alternate unpredictably on real data): S if smaller, the next's type if equal
            int t = (c - next) >>> 31 | sType & ((c ^ next) - 1) >>> 31;
            lms[m] = i + 1; // kept if i + 1 is LMS: S-type after an L-type
            m += sType & ~t;
            counts[2 * c + t]++;
            sType = t;
            next = c;
        }
        for (int c = 0; c < k; c++) {
            sStart[c] = bucketStart[c] + counts[2 * c];
            bucketStart[c + 1] = sStart[c] + counts[2 * c + 1];
        }
        for (int i = 0, j = m - 1; i < j; i++, j--) {
            int p = lms[i];
            lms[i] = lms[j];
            lms[j] = p;
        }
        Arrays.fill(sa, 0, n, 0);
        System.arraycopy(bucketStart, 1, cursor, 0, k);
        for (int r = 0; r < m; r++) {
            int p = lms[r];
            sa[--cursor[s[p]]] = p; // in any order at first: this sorts their substrings
        }
        induce(s, n, k, sa, bucketStart, sStart, cursor);
        if (m == 0) {
            return;
        }
        int[] reduced = level.reduced;
        int names = nameLmsSubstrings(s, n, k, sa, bucketStart, sStart, lms, m, reduced);
        if (names < m) {
            suffixArray(reduced, m, names, sa, work, depth + 1);
        } else {
            for (int r = 0; r < m; r++) {
                sa[reduced[r]] = r;
            }
        }
        // the sorted LMS suffixes at the ends of their buckets, largest first
        Arrays.fill(sa, m, n, 0);
        System.arraycopy(bucketStart, 1, cursor, 0, k);
        for (int i = m - 1; i >= 0; i--) {
            int p = lms[sa[i]];
            sa[i] = 0; // a suffix's slot is never left of its rank among the LMS suffixes: this may be its own
            sa[--cursor[s[p]]] = p;
        }
        induce(s, n, k, sa, bucketStart, sStart, cursor);
    }

    /**
     * Names the LMS substrings (to the next LMS position, inclusive) by their rank among distinct ones, from sa
     * sorted by them: reduced[r] gets the name of the r-th LMS position (lms in text order); returns the number of
     * names. Works in sa: the LMS suffixes move to sa[0..m), each substring's length goes to m + p / 2 (LMS
     * positions are at least two apart and m &lt;= n / 2).
     */
    private static int nameLmsSubstrings(int[] s, int n, int k, int[] sa, int[] bucketStart, int[] sStart, int[] lms,
            int m, int[] reduced) {
        int found = 0;
        for (int c = 0; c < k; c++) {
            // an LMS suffix is S-type (in its bucket's S part) after a larger value
            for (int i = sStart[c], end = bucketStart[c + 1]; i < end; i++) {
                int p = sa[i];
                sa[found] = p;
                found += p > 0 && s[p - 1] > c ? 1 : 0;
            }
        }
        // the last substring reaches the implicit end, which no other one has
        for (int r = 0; r < m; r++) {
            int p = lms[r];
            sa[m + (p >> 1)] = (r + 1 < m ? lms[r + 1] + 1 : n + 1) - p;
        }
        int name = 0;
        int prev = 0;
        int prevLength = 0;
        for (int i = 0; i < m; i++) {
            int p = sa[i];
            int length = sa[m + (p >> 1)];
            boolean same = length == prevLength && p + length <= n && prev + length <= n;
            for (int j = 0; same && j < length; j++) {
                same = s[p + j] == s[prev + j];
            }
            if (!same) {
                name++;
            }
            prev = p;
            prevLength = length;
            sa[m + (p >> 1)] = name - 1;
        }
        for (int r = 0; r < m; r++) {
            reduced[r] = sa[m + (lms[r] >> 1)];
        }
        return name;
    }

    /** From LMS suffixes placed in their buckets' S parts: L-type suffixes by a forward scan, then S-type by a backward one. */
    private static void induce(int[] s, int n, int k, int[] sa, int[] bucketStart, int[] sStart, int[] cursor) {
        System.arraycopy(bucketStart, 0, cursor, 0, k);
        // the implicit end induces the last suffix, which is L-type; a suffix before an L-type one of the same
        // value is L-type, and before an LMS one it is larger
        sa[cursor[s[n - 1]]++] = n - 1;
        for (int i = 0; i < n; i++) {
            int p = sa[i];
            if (p > 0) {
                int c = s[p - 1];
                if (c >= s[p]) {
                    sa[cursor[c]++] = p - 1;
                }
            }
        }
        System.arraycopy(bucketStart, 1, cursor, 0, k);
        for (int i = n - 1; i >= 0; i--) {
            int p = sa[i];
            if (p > 0) {
                int c = s[p - 1];
                int after = s[p];
                if (c < after || c == after && i >= sStart[after]) {
                    sa[--cursor[c]] = p - 1;
                }
            }
        }
    }

    /** A thread's work arrays: the top level's text, and per depth of the recursion a {@link Level}. */
    private static final class Workspace {
        private int[] text = new int[0];
        private final List<Level> levels = new ArrayList<>();

        int[] text(int n) {
            if (text.length < n) {
                text = new int[n];
            }
            return text;
        }

        /** The arrays of the given depth, large enough for a text of n values in [0, k). */
        Level level(int depth, int n, int k) {
            if (levels.size() == depth) {
                levels.add(new Level());
            }
            Level level = levels.get(depth);
            level.fit(n, k);
            return level;
        }
    }

    /**
     * One depth's arrays, at least as long as its text needs (the code reads only the needed part): the LMS
     * positions and the reduced text (positions 1..n-2 at least two apart: at most (n-1) / 2 of them), and the
     * per-value bucket bounds.
     */
    private static final class Level {
        int[] lms = new int[0];
        int[] reduced = new int[0];
        int[] bucketStart = new int[1];
        int[] sStart = new int[0];
        int[] cursor = new int[1];
        int[] counts = new int[0];

        void fit(int n, int k) {
            if (lms.length < n / 2 + 1) {
                lms = new int[n / 2 + 1];
                reduced = new int[n / 2 + 1];
            }
            if (sStart.length < k) {
                bucketStart = new int[k + 1];
                sStart = new int[k];
                cursor = new int[k + 1];
                counts = new int[2 * k];
            }
        }
    }
}
