/** The Spark job: reads archives, checks them with Deequ, fans the engine out over checkpoints, writes the tables. */
package occam.analysis.job;
