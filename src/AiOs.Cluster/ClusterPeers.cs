using System.Net;
using System.Security.Cryptography;
using System.Text;
using AiOs.Cluster.Configuration;
using AiOs.Cluster.Membership;
using AiOs.Cluster.Transport;
using AiOs.Persistence;
using Microsoft.AspNetCore.Http;

namespace AiOs.Cluster;

/// <summary>Read-only queries between silos over the silo-to-silo endpoint, for views that need every silo's own
/// numbers (the dashboard). A query is a plain HTTP/2 GET to a peer's cluster port with the cluster secret; the peer
/// answers it only on that port and only with that secret (<see cref="IsPeerRequest"/>). Grain calls never go this way.</summary>
public sealed class ClusterPeers
{
    /// <summary>Where peer queries live on the cluster port; the dashboard adds its own paths under it.</summary>
    public const string PathPrefix = "/aios/cluster/v1/query";

    private readonly ClusterMembership _membership;
    private readonly ClusterTransport _transport;
    private readonly ClusterOptions _options;

    internal ClusterPeers(ClusterMembership membership, ClusterTransport transport, ClusterOptions options)
    {
        _membership = membership;
        _transport = transport;
        _options = options;
    }

    /// <summary>This silo's id in the cluster (<c>name@generation</c>), once joined.</summary>
    public string? LocalSiloId => _membership.Self?.SiloId;

    /// <summary>The membership table as last read (every heartbeat), or an empty list before the first read.</summary>
    public IReadOnlyList<SiloEntry> Members => _membership.Latest?.Silos ?? [];

    /// <summary>Calls forwarded to and received from peers.</summary>
    public ClusterTraffic Traffic => _transport.Traffic;

    /// <summary>True when <paramref name="context"/> arrived on the cluster port with the cluster secret.</summary>
    public bool IsPeerRequest(HttpContext context) =>
        context.Connection.LocalPort == _options.Port
        && context.Request.Headers[ClusterEndpoint.SecretHeader].ToString() is { Length: > 0 } presented
        && _transport.Secret.Length > 0
        && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(_transport.Secret)));

    /// <summary>GETs <paramref name="pathAndQuery"/> (under <see cref="PathPrefix"/>) from the silo at
    /// <paramref name="address"/> and returns the body, or null when the peer did not answer well in time.</summary>
    public async Task<string?> GetAsync(string address, string pathAndQuery, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{address}{PathPrefix}{pathAndQuery}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Add(ClusterEndpoint.SecretHeader, _transport.Secret);
        request.Headers.Add(ClusterEndpoint.SiloHeader, _transport.LocalSiloId);
        try
        {
            using var response = await _transport.Http.SendAsync(request, bounded.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(bounded.Token).ConfigureAwait(false) : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
        {
            return null;
        }
    }
}
