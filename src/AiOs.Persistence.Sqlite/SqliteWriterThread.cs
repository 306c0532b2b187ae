using System.Collections.Concurrent;

namespace AiOs.Persistence.Sqlite;

/// <summary>The one thread that runs the provider's writes. Microsoft.Data.Sqlite has no truly asynchronous I/O, and a
/// write can block for up to the busy timeout while another process holds the database lock; on a thread of its own
/// that wait never occupies a thread-pool thread (whose starvation would delay every timer and continuation in the
/// silo). SQLite has one writer per database anyway, so one thread loses nothing.</summary>
internal sealed class SqliteWriterThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;

    public SqliteWriterThread(string name)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the writer thread; the returned task completes on the thread pool.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                completion.SetResult(work());
            }
            catch (Exception ex)
            {
                completion.SetException(ex);
            }
        });
        return completion.Task;
    }

    /// <summary>Finishes the queued work and stops the thread.</summary>
    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
    }

    private void Run()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }
}
