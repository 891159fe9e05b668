/** The {@code sweep} command: a grid of training runs as concurrent child JVMs, then the analysis and the report. */
package occam.cli.sweep;
