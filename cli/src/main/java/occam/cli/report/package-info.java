/** The {@code report} command: the paper's figures as PNG files and one index.html, read from the tables with DuckDB. */
package occam.cli.report;
