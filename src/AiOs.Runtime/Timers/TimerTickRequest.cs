using AiOs.Invocation;

namespace AiOs.Runtime.Timers;

/// <summary>A timer tick dressed as a request, so that it is scheduled as a turn and passes through the incoming call
/// filters like any call.</summary>
internal sealed class TimerTickRequest(GrainTimer timer, bool keepAlive) : GrainRequest<VoidResult>
{
    /// <summary>Whether the tick counts as activity for idle collection.</summary>
    public bool KeepAlive => keepAlive;

    public override GrainMethodDescriptor Method => timer.Descriptor;

    public override object? GetArgument(int index) => throw new ArgumentOutOfRangeException(nameof(index));

    public override void SetArgument(int index, object? value) => throw new ArgumentOutOfRangeException(nameof(index));

    public override ValueTask InvokeAsync(object target) => new(timer.TickAsync());
}
