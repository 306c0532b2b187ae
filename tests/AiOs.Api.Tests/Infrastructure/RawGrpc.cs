using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using AiOs.Grpc;
using Google.Protobuf;

namespace AiOs.Api.Tests.Infrastructure;

/// <summary>gRPC requests built by hand over HTTP/2, for what the client library never sends (bad frames, wrong content
/// types, arbitrary paths) and for methods it has no typed call for.</summary>
public sealed class RawGrpc(Uri endpoint) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public static byte[] Frame(IMessage message) => Frame(message.ToByteArray());

    public static byte[] Frame(byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public async Task<RawResponse> CallAsync(
        string path, byte[] body, string? key = null, string contentType = GrpcProtocol.ContentType, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, path))
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", "Bearer " + key);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var messages = new List<byte[]>();
        for (var offset = 0; offset + 5 <= bytes.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset + 1));
            messages.Add(bytes.AsSpan(offset + 5, length).ToArray());
            offset += 5 + length;
        }

        var status = Header(response.TrailingHeaders, GrpcProtocol.StatusHeader) ?? Header(response.Headers, GrpcProtocol.StatusHeader);
        var detail = Header(response.TrailingHeaders, GrpcProtocol.MessageHeader) ?? Header(response.Headers, GrpcProtocol.MessageHeader);
        return new RawResponse(
            (int)response.StatusCode,
            status is null ? null : (StatusCode)int.Parse(status, CultureInfo.InvariantCulture),
            GrpcStatusDetail.Decode(detail),
            messages);
    }

    /// <summary>A GET, which gRPC never uses.</summary>
    public async Task<RawResponse> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await _http.SendAsync(request);
        return new RawResponse((int)response.StatusCode, null, "", []);
    }

    public void Dispose() => _http.Dispose();

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>What came back: the HTTP status, the gRPC status (null when none was sent), its detail, and the messages.</summary>
public sealed record RawResponse(int HttpStatus, StatusCode? Status, string Detail, IReadOnlyList<byte[]> Messages);
