namespace AiOs.Runtime.Activation;

/// <summary>Makes an <c>await</c> in grain code resume on the grain's own queue, so that grain code never runs on two
/// threads at once (Orleans gets the same from a TaskScheduler per activation; a SynchronizationContext is cheaper and
/// is what <c>await</c> consults first).</summary>
internal sealed class ActivationSynchronizationContext(ActivationData activation) : SynchronizationContext
{
    public ActivationData Activation => activation;

    public override void Post(SendOrPostCallback d, object? state) => activation.Post(d, state);

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException(
            $"Synchronous Send onto the scheduler of {activation.GrainId} would block the grain; use await instead.");

    public override SynchronizationContext CreateCopy() => this;
}
