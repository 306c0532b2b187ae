using Microsoft.Extensions.Logging;

namespace AiOs.Testing;

/// <summary>Writes log lines to an xunit test's output, so that a failing test shows what the silo logged.</summary>
/// <param name="output">The test's output.</param>
/// <param name="prefix">Put before each line (to tell apart the silos of one test), or null.</param>
public sealed class TestOutputLoggerProvider(ITestOutputHelper output, string? prefix = null) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new OutputLogger(output, prefix is null ? categoryName : $"[{prefix}] {categoryName}");

    public void Dispose()
    {
    }

    private sealed class OutputLogger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {logLevel,-11} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : " | " + exception.GetType().Name + ": " + exception.Message)}");
            }
            catch (InvalidOperationException)
            {
                // The test already finished; its output is closed.
            }
        }
    }
}
