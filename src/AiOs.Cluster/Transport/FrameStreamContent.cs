using System.Net;
using System.Threading.Channels;

namespace AiOs.Cluster.Transport;

/// <summary>The request body of a silo-to-silo stream: frames written as they are queued, flushed whenever the queue
/// runs dry (so that a burst of calls goes out in one write), until the stream is closed.</summary>
internal sealed class FrameStreamContent(ChannelReader<OutgoingFrame> frames, Action<long> written) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        while (await frames.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (frames.TryRead(out var frame))
            {
                // From here on the call may reach the other silo: if the stream breaks, its outcome is unknown.
                written(frame.CallId);
                await stream.WriteAsync(frame.Bytes, cancellationToken).ConfigureAwait(false);
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}

/// <summary>A call frame waiting to be written.</summary>
internal readonly record struct OutgoingFrame(long CallId, byte[] Bytes);
