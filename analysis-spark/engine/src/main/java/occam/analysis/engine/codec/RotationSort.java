package occam.analysis.engine.codec;

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

    private RotationSort() {}

    /** The start indices of block[0..n)'s rotations in ascending unsigned lexicographic order. */
    static int[] order(byte[] block, int n) {
        if (n < 1 || n > block.length) {
            throw new IllegalArgumentException("block length " + n + " is not in [1, " + block.length + "]");
        }
        int first = leastRotation(block, n);
        int[] text = new int[n];
        for (int i = 0, j = first; i < n; i++, j = j + 1 == n ? 0 : j + 1) {
            text[i] = block[j] & 0xff;
        }
        int[] sa = suffixArray(text, 255);
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
            int a = block[(i + k) % n] & 0xff;
            int b = block[(j + k) % n] & 0xff;
            if (a == b) {
                k++;
                continue;
            }
            // Every rotation from the losing candidate to candidate + k is beaten by the matching one of the other.
            if (a > b) {
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
     * The suffix array of s (values in [0, upper]), with an implicit end smaller than every value: SA-IS. L-type
     * positions are larger than the suffix after them, S-type smaller; the leftmost S of each run (LMS) is sorted
     * first, recursively by naming the substrings between them, and induces the order of all the others.
     */
    static int[] suffixArray(int[] s, int upper) {
        int n = s.length;
        if (n <= 2) {
            // Of two equal values the later suffix is a prefix of the earlier one, so it ranks first.
            return n < 2 ? new int[n] : s[0] < s[1] ? new int[] {0, 1} : new int[] {1, 0};
        }
        boolean[] sType = new boolean[n];
        for (int i = n - 2; i >= 0; i--) {
            sType[i] = s[i] == s[i + 1] ? sType[i + 1] : s[i] < s[i + 1];
        }
        // bucketStart[c]: first slot of value c; sStart[c]: first slot of its S-type suffixes.
        int[] bucketStart = new int[upper + 2];
        int[] sStart = new int[upper + 1];
        for (int i = 0; i < n; i++) {
            if (sType[i]) {
                bucketStart[s[i] + 1]++;
            } else {
                sStart[s[i]]++;
            }
        }
        for (int c = 0; c <= upper; c++) {
            sStart[c] += bucketStart[c];
            bucketStart[c + 1] += sStart[c];
        }
        int[] lmsIndex = new int[n];
        int m = 0;
        for (int i = 1; i < n; i++) {
            lmsIndex[i] = !sType[i - 1] && sType[i] ? m++ : -1;
        }
        lmsIndex[0] = -1;
        int[] lms = new int[m];
        for (int i = 1, k = 0; i < n; i++) {
            if (lmsIndex[i] >= 0) {
                lms[k++] = i;
            }
        }
        int[] sa = new int[n];
        int[] cursor = new int[upper + 2];
        induce(s, sType, lms, sa, bucketStart, sStart, cursor);
        if (m == 0) {
            return sa;
        }
        int[] sortedLms = new int[m];
        for (int i = 0, k = 0; i < n; i++) {
            if (sa[i] >= 0 && lmsIndex[sa[i]] >= 0) {
                sortedLms[k++] = sa[i];
            }
        }
        // Name each LMS substring by its rank among distinct ones; equal names need the recursion to order them.
        int[] reduced = new int[m];
        int name = 0;
        reduced[lmsIndex[sortedLms[0]]] = 0;
        for (int i = 1; i < m; i++) {
            int l = sortedLms[i - 1];
            int r = sortedLms[i];
            int endL = lmsIndex[l] + 1 < m ? lms[lmsIndex[l] + 1] : n;
            int endR = lmsIndex[r] + 1 < m ? lms[lmsIndex[r] + 1] : n;
            boolean same = endL - l == endR - r;
            if (same) {
                while (l < endL && s[l] == s[r]) {
                    l++;
                    r++;
                }
                same = l != n && s[l] == s[r];
            }
            if (!same) {
                name++;
            }
            reduced[lmsIndex[sortedLms[i]]] = name;
        }
        int[] reducedSa = suffixArray(reduced, name);
        for (int i = 0; i < m; i++) {
            sortedLms[i] = lms[reducedSa[i]];
        }
        induce(s, sType, sortedLms, sa, bucketStart, sStart, cursor);
        return sa;
    }

    /** From LMS suffixes in the given order: L-type suffixes by a forward scan, then S-type by a backward one. */
    private static void induce(int[] s, boolean[] sType, int[] lms, int[] sa, int[] bucketStart, int[] sStart,
            int[] cursor) {
        int n = s.length;
        java.util.Arrays.fill(sa, -1);
        System.arraycopy(sStart, 0, cursor, 0, sStart.length);
        for (int p : lms) {
            sa[cursor[s[p]]++] = p;
        }
        System.arraycopy(bucketStart, 0, cursor, 0, bucketStart.length);
        sa[cursor[s[n - 1]]++] = n - 1; // the last suffix is L-type: it is larger than the implicit end
        for (int i = 0; i < n; i++) {
            int v = sa[i] - 1;
            if (v >= 0 && !sType[v]) {
                sa[cursor[s[v]]++] = v;
            }
        }
        System.arraycopy(bucketStart, 0, cursor, 0, bucketStart.length);
        for (int i = n - 1; i >= 0; i--) {
            int v = sa[i] - 1;
            if (v >= 0 && sType[v]) {
                sa[--cursor[s[v] + 1]] = v;
            }
        }
    }
}
