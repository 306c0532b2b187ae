using System.Net;
using System.Net.Sockets;
using System.Text;
using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Grpc;

namespace AiOs.Api.Tests.Server;

[CollectionDefinition(nameof(BadInputCollection), DisableParallelization = true)]
public sealed class BadInputCollection;

/// <summary>Malformed requests of every kind get a proper gRPC status or HTTP error, and the server keeps serving: after
/// 10,000 of them a valid call succeeds and the memory is back near its baseline. Alone in its collection so that no other
/// test's allocations blur the memory figure.</summary>
[Collection(nameof(BadInputCollection))]
public sealed class BadInputTests : IAsyncLifetime
{
    private const int Requests = 10_000;
    private const long MemoryToleranceBytes = 24L * 1024 * 1024;

    private ApiHost _host = null!;
    private RawGrpc _raw = null!;
    private string _key = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ApiHost.StartAsync();
        _raw = new RawGrpc(_host.Endpoint);
        _key = await _host.CreateKeyAsync(ApiKeyScopes.Operator);
    }

    public async ValueTask DisposeAsync()
    {
        _raw.Dispose();
        await _host.DisposeAsync();
    }

    [Theory]
    [InlineData(BadKind.Garbage)]
    [InlineData(BadKind.TruncatedFrame)]
    [InlineData(BadKind.WrongContentType)]
    [InlineData(BadKind.OversizedPrefix)]
    [InlineData(BadKind.UnknownMethod)]
    [InlineData(BadKind.UnknownService)]
    [InlineData(BadKind.InvalidUtf8)]
    [InlineData(BadKind.OutOfRangeEnum)]
    [InlineData(BadKind.NoMessage)]
    [InlineData(BadKind.TwoMessages)]
    [InlineData(BadKind.CompressedWithoutEncoding)]
    [InlineData(BadKind.MalformedTimeout)]
    [InlineData(BadKind.GetRequest)]
    [InlineData(BadKind.Http11)]
    [InlineData(BadKind.NotHttp)]
    public async Task EachKind_GetsItsProperAnswer(BadKind kind)
    {
        var answer = await SendAsync(kind, 0);

        Assert.Equal(Expected(kind), answer);
    }

    [Fact]
    public async Task TenThousandMalformedRequests_ThenAValidCallSucceeds_AndMemoryIsBackNearBaseline()
    {
        var kinds = Enum.GetValues<BadKind>();
        // Warm up every path (JIT, pools, connections) before the baseline.
        for (var i = 0; i < kinds.Length * 4; i++)
        {
            await SendAsync(kinds[i % kinds.Length], i);
        }

        var baseline = SettledMemory();
        var next = -1;
        var wrong = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 16), TestContext.Current.CancellationToken, async (_, _) =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Requests)
            {
                // Mixed kinds; raw TCP connections (HTTP/1.1, not HTTP) are fewer, as each costs a connection.
                var kind = i % 50 == 0 ? BadKind.Http11 : i % 50 == 25 ? BadKind.NotHttp : kinds[i % (kinds.Length - 2)];
                var answer = await SendAsync(kind, i);
                if (answer != Expected(kind))
                {
                    wrong.Add($"{kind}: {answer}");
                }
            }
        });

        Assert.Empty(wrong);
        using var client = _host.Client(_key);
        Assert.Single((await client.ListSilosAsync()).Silos);
        Assert.Equal(ServingStatus.Serving, (await client.GetHealthAsync()).Status);
        var after = SettledMemory();
        Assert.True(after - baseline < MemoryToleranceBytes, $"managed memory grew from {baseline:N0} to {after:N0} bytes");
    }

    public enum BadKind
    {
        Garbage,
        TruncatedFrame,
        WrongContentType,
        OversizedPrefix,
        UnknownMethod,
        UnknownService,
        InvalidUtf8,
        OutOfRangeEnum,
        NoMessage,
        TwoMessages,
        CompressedWithoutEncoding,
        MalformedTimeout,
        GetRequest,
        Http11,
        NotHttp,
    }

    private static string Expected(BadKind kind) => kind switch
    {
        BadKind.Garbage or BadKind.TruncatedFrame or BadKind.InvalidUtf8 or BadKind.OutOfRangeEnum or BadKind.NoMessage
            or BadKind.TwoMessages or BadKind.MalformedTimeout => Status(StatusCode.InvalidArgument),
        BadKind.WrongContentType => "HTTP 415",
        BadKind.OversizedPrefix => Status(StatusCode.ResourceExhausted),
        BadKind.UnknownMethod or BadKind.UnknownService or BadKind.CompressedWithoutEncoding => Status(StatusCode.Unimplemented),
        BadKind.GetRequest => "HTTP 405",
        BadKind.Http11 => "HTTP/1.1 400",
        BadKind.NotHttp => "closed",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string Status(StatusCode code) => "grpc " + code;

    private async Task<string> SendAsync(BadKind kind, int seed)
    {
        const string Health = "/aios.v1.Health/GetHealth";
        const string Revoke = "/aios.v1.ApiKeys/RevokeApiKey";
        switch (kind)
        {
            case BadKind.Garbage:
                // A valid prefix around bytes that are not a message: field 1 with wire type 7 does not exist.
                return Describe(await _raw.CallAsync(Revoke, RawGrpc.Frame([0x0F, (byte)seed, 0xFF, 0xFF]), _key));
            case BadKind.TruncatedFrame:
                return Describe(await _raw.CallAsync(Health, RawGrpc.Frame(new byte[100])[..20]));
            case BadKind.WrongContentType:
                return Describe(await _raw.CallAsync(Health, RawGrpc.Frame([]), contentType: "text/plain"));
            case BadKind.OversizedPrefix:
                var prefix = new byte[10];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(1), (uint)(GrpcProtocol.DefaultMaxMessageSize + 1 + seed));
                return Describe(await _raw.CallAsync(Health, prefix));
            case BadKind.UnknownMethod:
                return Describe(await _raw.CallAsync("/aios.v1.Health/NoSuchMethod" + seed, RawGrpc.Frame([])));
            case BadKind.UnknownService:
                return Describe(await _raw.CallAsync("/no.such.Service/Call", RawGrpc.Frame([])));
            case BadKind.InvalidUtf8:
                // key_id (field 1, a string) holding bytes that are not UTF-8.
                return Describe(await _raw.CallAsync(Revoke, RawGrpc.Frame([0x0A, 0x03, 0xFF, 0xFE, 0xC0]), _key));
            case BadKind.OutOfRangeEnum:
                var create = new CreateApiKeyRequest { Name = "never created", Scope = (ApiKeyScope)(99 + (seed % 100)) };
                return Describe(await _raw.CallAsync("/aios.v1.ApiKeys/CreateApiKey", RawGrpc.Frame(create), _key));
            case BadKind.NoMessage:
                return Describe(await _raw.CallAsync(Health, []));
            case BadKind.TwoMessages:
                return Describe(await _raw.CallAsync(Health, [.. RawGrpc.Frame([]), .. RawGrpc.Frame([])]));
            case BadKind.CompressedWithoutEncoding:
                var compressed = RawGrpc.Frame([1, 2, 3]);
                compressed[0] = 1;
                return Describe(await _raw.CallAsync(Health, compressed));
            case BadKind.MalformedTimeout:
                return Describe(await _raw.CallAsync(Health, RawGrpc.Frame([]), headers: new Dictionary<string, string> { ["grpc-timeout"] = "soon" }));
            case BadKind.GetRequest:
                return Describe(await _raw.GetAsync(Health));
            case BadKind.Http11:
                return await RawTcpAsync($"POST {Health} HTTP/1.1\r\nHost: x\r\nContent-Type: application/grpc\r\nContent-Length: 5\r\n\r\n\0\0\0\0\0");
            case BadKind.NotHttp:
                // Longer than the HTTP/2 preface (24 bytes), so that the server can tell at once it is not one.
                return await RawTcpAsync("\u0016\u0003\u0001 not HTTP, not TLS either: " + seed + new string('~', 32) + "\r\n\r\n");
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static string Describe(RawResponse response) =>
        response.HttpStatus != 200 ? $"HTTP {response.HttpStatus}" : response.Status is { } status ? Status(status) : "HTTP 200 without grpc-status";

    // Sends bytes on a new connection and reads what comes back until the server closes it.
    private async Task<string> RawTcpAsync(string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _host.Endpoint.Port));
        await socket.SendAsync(Encoding.Latin1.GetBytes(request), SocketFlags.None);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int read;
        try
        {
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // A reset is a way to close too.
        }

        var text = Encoding.Latin1.GetString(received.ToArray());
        return text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? "HTTP/1.1 " + text.Substring(9, 3) : "closed";
    }

    private static long SettledMemory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
