/** The data contract between trainer and analysis: table schemas, the model spec, and the training-side archive as Parquet. */
package occam.schemas;
