using System.Collections.Concurrent;

namespace AiOs.Testing;

/// <summary>A load client: workers apply operations to counter grains through silos picked at random, each operation
/// retried (with the same id, so never applied twice) until a silo acknowledges it. A silo that cannot be reached is
/// just another try elsewhere; an answer of 503 (the grain call failed) is counted as a failed call.</summary>
public sealed class CounterLoad(ProcessCluster cluster, int grains, int workers)
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(40) };
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private Task[] _workers = [];

    /// <summary>Acknowledged operations per grain.</summary>
    public int[] Acknowledged { get; } = new int[grains];

    /// <summary>Calls that reached a silo and failed there.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    public int Grains => grains;

    public static string Key(int grain) => $"counter-{grain}";

    public void Start() => _workers = Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w))).ToArray();

    /// <summary>Stops after the operations in flight are acknowledged.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    /// <summary>Reads a counter through any live silo, retrying until one answers.</summary>
    public async Task<int> ReadAsync(int grain, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (ok, body) = await TryAsync(HttpMethod.Get, $"test/count/{Key(grain)}", cancellationToken);
            if (ok)
            {
                return int.Parse(body, System.Globalization.CultureInfo.InvariantCulture);
            }

            await Task.Delay(20, cancellationToken); // back off before the next try
        }
    }

    private async Task WorkAsync(int worker)
    {
        for (var round = 0; !_stop.IsCancellationRequested; round++)
        {
            for (var grain = worker; grain < grains && !_stop.IsCancellationRequested; grain += workers)
            {
                var op = $"{worker}-{round}";
                while (true)
                {
                    var (ok, body) = await TryAsync(HttpMethod.Post, $"test/apply/{Key(grain)}/{op}", CancellationToken.None);
                    if (ok)
                    {
                        Acknowledged[grain]++;
                        break;
                    }

                    if (body.Length > 0)
                    {
                        _failures.Enqueue($"{Key(grain)} op {op}: {body}");
                    }

                    await Task.Delay(20); // back off before trying another silo
                }
            }
        }
    }

    /// <summary>One try at a random live silo: (true, body) when answered 200; (false, reason) when the silo answered an
    /// error; (false, "") when no silo could be reached.</summary>
    private async Task<(bool Ok, string Body)> TryAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        var live = cluster.Live.Values.ToArray();
        if (live.Length == 0)
        {
            return (false, string.Empty);
        }

        var silo = live[Random.Shared.Next(live.Length)];
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(silo, path));
            using var response = await _http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode ? (true, body) : (false, $"{(int)response.StatusCode} from {silo}: {body}");
        }
        catch (HttpRequestException)
        {
            return (false, string.Empty); // not reached (killed, stopped, or not yet listening): try another
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer from {silo} within {_http.Timeout}");
        }
    }
}
