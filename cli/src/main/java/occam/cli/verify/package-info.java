/** {@code occam verify}: the stored coarse models decoded, rebuilt and measured again against the complexity rows. */
package occam.cli.verify;
