namespace AiOs.Grpc;

/// <summary>Names and numbers fixed by the gRPC over HTTP/2 protocol.</summary>
public static class GrpcProtocol
{
    /// <summary>The content type of gRPC requests and responses (protobuf is the default subtype).</summary>
    public const string ContentType = "application/grpc";

    /// <summary>Bytes before each message: a compressed flag and a big-endian 32-bit length.</summary>
    public const int MessagePrefixLength = 5;

    /// <summary>The default limit on a message's size, sent or received: 4 MiB, as in other gRPC implementations.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>Trailer (or trailers-only header) with the status code as a decimal number.</summary>
    public const string StatusHeader = "grpc-status";

    /// <summary>Trailer with the percent-encoded status detail.</summary>
    public const string MessageHeader = "grpc-message";

    /// <summary>Request header with the call's timeout (e.g. <c>100m</c> for 100 ms).</summary>
    public const string TimeoutHeader = "grpc-timeout";

    /// <summary>Header naming the compression of the messages that follow.</summary>
    public const string EncodingHeader = "grpc-encoding";

    /// <summary>Header listing the compressions the sender accepts.</summary>
    public const string AcceptEncodingHeader = "grpc-accept-encoding";

    /// <summary>No compression: the only encoding AiOs speaks.</summary>
    public const string IdentityEncoding = "identity";

    /// <summary>The request header that carries the API key (<c>Bearer &lt;key&gt;</c>).</summary>
    public const string AuthorizationHeader = "authorization";

    /// <summary>Suffix of binary metadata, whose values are base64.</summary>
    public const string BinaryHeaderSuffix = "-bin";

    /// <summary>True for <c>application/grpc</c> and <c>application/grpc+proto</c> (parameters allowed), the content
    /// types of protobuf-encoded gRPC. Other subtypes (<c>+json</c>) and gRPC-Web are not served.</summary>
    public static bool IsProtobufContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = contentType.AsSpan(ContentType.Length);
        var parameters = rest.IndexOf(';');
        var subtype = (parameters < 0 ? rest : rest[..parameters]).Trim();
        return subtype.Length == 0 || subtype.Equals("+proto", StringComparison.OrdinalIgnoreCase);
    }
}
