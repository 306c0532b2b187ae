using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiOs.Testing;

/// <summary>Counts the log events of chosen categories by id, so that a test can wait until a component says it has done
/// something it has no other sign of (a background reload, say) instead of sleeping.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<int> _eventIds = new();

    /// <summary>Records <paramref name="category"/> (and the categories under it) from <paramref name="level"/> up.</summary>
    public void AddTo(IServiceCollection services, string category, LogLevel level = LogLevel.Debug) =>
        services.AddLogging(logging => logging.AddProvider(this).AddFilter<LogRecorder>(category, level));

    /// <summary>How many events with this id were logged.</summary>
    public int Count(int eventId) => _eventIds.Count(id => id == eventId);

    public ILogger CreateLogger(string categoryName) => new Recorder(this);

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._eventIds.Enqueue(eventId.Id);
    }
}
