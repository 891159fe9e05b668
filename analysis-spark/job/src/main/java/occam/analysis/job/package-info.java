/**
 * The Spark job ({@code occam analyze}): scan the archives, read each pending checkpoint once, check it with Deequ,
 * fan the engine out over checkpoints, and verify and write the tables in waves, one job per output at a time.
 */
package occam.analysis.job;
