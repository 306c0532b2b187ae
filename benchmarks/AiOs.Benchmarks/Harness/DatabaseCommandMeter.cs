using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AiOs.Benchmarks.Harness;

/// <summary>Counts the database commands Npgsql runs in this process, and the time spent in them, from Npgsql's own
/// <c>db.client.operation.duration</c> histogram: how many round trips an operation costs and how much of its time they
/// are; and, from Npgsql's activities, which statements they were.</summary>
public sealed class DatabaseCommandMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ActivityListener _activities;
    private readonly ConcurrentDictionary<string, int> _statements = new(StringComparer.Ordinal);
    private long _count;
    private double _seconds;

    public DatabaseCommandMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Npgsql" && instrument.Name == "db.client.operation.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
        {
            Interlocked.Increment(ref _count);
            lock (_listener)
            {
                _seconds += seconds;
            }
        });
        _listener.Start();
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                // The statement's first words name it well enough: "INSERT INTO aios_events", "WITH fence AS ...".
                var text = activity.GetTagItem("db.query.text") as string ?? activity.DisplayName;
                var words = string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Take(6));
                _statements.AddOrUpdate(words, 1, (_, n) => n + 1);
            },
        };
        ActivitySource.AddActivityListener(_activities);
    }

    /// <summary>Commands by their first words, most frequent first.</summary>
    public IEnumerable<(string Statement, int Count)> Statements => _statements.OrderByDescending(s => s.Value).Select(s => (s.Key, s.Value));

    /// <summary>Commands run and seconds spent in them so far.</summary>
    public (long Count, double Seconds) Totals
    {
        get
        {
            lock (_listener)
            {
                return (Interlocked.Read(ref _count), _seconds);
            }
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _activities.Dispose();
    }
}
