namespace AiOs.Testing;

/// <summary>The outcome of one racing operation: its result or its exception.</summary>
public readonly record struct Outcome<T>(T? Result, Exception? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>Starts operations truly together, for races: every operation runs on its own thread-pool work item and
/// waits at a gate until all of them are ready, then the gate opens for all at once.</summary>
public static class Concurrently
{
    /// <summary>Runs <paramref name="count"/> operations (given their index) together and returns every outcome.</summary>
    public static async Task<Outcome<T>[]> RunAsync<T>(int count, Func<int, Task<T>> operation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ready = 0;
        var racers = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            Interlocked.Increment(ref ready);
            await gate.Task;
            try
            {
                return new Outcome<T>(await operation(i), null);
            }
            catch (Exception ex)
            {
                return new Outcome<T>(default, ex);
            }
        })).ToArray();

        await Eventually.WaitUntilAsync(() => Volatile.Read(ref ready) == count, $"all {count} racers are at the gate");
        gate.SetResult();
        return await Eventually.WithinAsync(Task.WhenAll(racers), $"{count} racing operations to finish");
    }
}
