/** Tests of the search on checkpoints of real (tiny) training runs, written by the trainer beside the archive reader. */
package occam.analysis.engine.search;
