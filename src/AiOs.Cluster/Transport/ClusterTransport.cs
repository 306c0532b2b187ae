using System.Collections.Concurrent;
using AiOs.Runtime.Messaging;
using Microsoft.Extensions.Logging;

namespace AiOs.Cluster.Transport;

/// <summary>The silo's side of silo-to-silo traffic: one <see cref="SiloConnection"/> per peer, over one HTTP/2 client.
/// HTTP/2 keep-alive pings find a peer that stopped answering (frozen or cut off) within seconds, so its calls fail
/// instead of hanging until their deadline.</summary>
internal sealed class ClusterTransport : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SiloConnection> _connections = new(StringComparer.Ordinal);
    private Action<Message, int, string> _reroute = static (_, _, _) => { };

    public ClusterTransport(WireCodec codec, ILogger logger)
    {
        Codec = codec;
        Logger = logger;
        Http = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(3),
            KeepAlivePingDelay = TimeSpan.FromSeconds(2),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(3),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            InitialHttp2StreamWindowSize = 4 * 1024 * 1024,
            EnableMultipleHttp2Connections = true,
        });
    }

    public WireCodec Codec { get; }

    public ILogger Logger { get; }

    public HttpMessageInvoker Http { get; }

    /// <summary>Counts of calls sent to and received from peers.</summary>
    public ClusterTraffic Traffic { get; } = new();

    /// <summary>The secret presented to peers; set when the cluster is joined.</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>This silo's id, presented to peers.</summary>
    public string LocalSiloId { get; set; } = string.Empty;

    /// <summary>Where calls go that a peer refused to run (or that never left): back to the forwarder, with the address
    /// that did not take them.</summary>
    public void OnReroute(Action<Message, int, string> reroute) => _reroute = reroute;

    public void Reroute(Message message, int partition, string address) => _reroute(message, partition, address);

    /// <summary>The connection to <paramref name="address"/>, made if needed.</summary>
    public SiloConnection Connect(string address)
    {
        while (true)
        {
            var connection = _connections.GetOrAdd(address, static (a, t) => new SiloConnection(a, t), this);
            if (!connection.IsBroken)
            {
                if (Interlocked.CompareExchange(ref connection.Started, 1, 0) == 0)
                {
                    connection.Start();
                }

                return connection;
            }

            _connections.TryRemove(new KeyValuePair<string, SiloConnection>(address, connection));
            _ = connection.DisposeAsync().AsTask();
        }
    }

    /// <summary>Fails forwarded calls long past their deadline on every connection.</summary>
    public void ExpireOverdue(long now, long grace)
    {
        foreach (var connection in _connections.Values)
        {
            connection.ExpireOverdue(now, grace);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections.Values)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _connections.Clear();
        Http.Dispose();
    }
}
