namespace AiOs.Cluster.Transport;

/// <summary>Counts the calls of one stream that are still running, so that a stream whose sender has finished can be
/// closed once they are answered.</summary>
internal sealed class InFlightCalls
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count = 1; // the stream itself, until Close()

    public void Add() => Interlocked.Increment(ref _count);

    public void Done()
    {
        if (Interlocked.Decrement(ref _count) == 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>No more calls will be added; true once the running ones are done, false if some still run after
    /// <paramref name="limit"/> (or the stream was aborted).</summary>
    public async Task<bool> CloseAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        Done();
        try
        {
            await _drained.Task.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }
}
