using System.Net;

namespace AiOs.Client;

/// <summary>A request body of gRPC messages framed one by one as <paramref name="messages"/> yields them: the body of a
/// client-streaming call, sent while it is produced.</summary>
internal sealed class FramedStreamContent<T>(IAsyncEnumerable<T> messages, Func<T, byte[]> frame) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await foreach (var message in messages.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await stream.WriteAsync(frame(message), cancellationToken).ConfigureAwait(false);
        }
    }

    // Unknown until the last message: sent as a stream of DATA frames.
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
