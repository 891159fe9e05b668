package occam.training;

/** Loss (mean cross-entropy, nats) and accuracy of the clean weights on the whole train and test splits after {@code epoch} epochs. */
public record Evaluation(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy) {}
