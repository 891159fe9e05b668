/** {@code occam import}: checkpoints written by PyTorch, safetensors or NumPy (JAX) turned into an archive run. */
package occam.training.imports;
