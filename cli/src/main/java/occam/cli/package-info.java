/** The {@code occam} command line: one entry over the trainer, the embedded Spark job, the report and the demo. */
package occam.cli;
