/** The {@code status} command: what an archive holds and how far the analysis tables cover it, without Spark. */
package occam.cli.status;
