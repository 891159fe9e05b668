/** Reading the Parquet tables of an archive or an output root with DuckDB, without Spark. */
package occam.cli.tables;
