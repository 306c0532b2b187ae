namespace AiOs.Api.Tests.Infrastructure;

/// <summary>Counts the calls a silo's grains receive to one method of one grain interface (timer and reminder ticks
/// aside), so that a test can tell which grains a request read.</summary>
internal sealed class CallCounter(Type grainInterface, string method) : IIncomingGrainCallFilter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Reset() => Interlocked.Exchange(ref _count, 0);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Kind == GrainCallKind.Request && context.InterfaceName == grainInterface.FullName && context.MethodName == method)
        {
            Interlocked.Increment(ref _count);
        }

        return context.Invoke();
    }
}
