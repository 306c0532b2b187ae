using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;

namespace AiOs.Cluster.Transport;

/// <summary>The request body of a silo-to-silo stream: frames written as they are queued, flushed whenever the queue
/// runs dry (so that a burst of calls goes out in one write), until the stream is closed. It also keeps which calls may
/// have reached the peer, since only those can have run there if the stream breaks.</summary>
/// <remarks>No call is written before the peer has answered the stream (its response headers, sent before it reads
/// anything). Until then the peer may still refuse the stream unread: a GOAWAY naming a lower stream id (its web server
/// is shutting down) or REFUSED_STREAM. The HTTP client then either fails the request or sends it again on a new
/// connection, serializing this content a second time; frames the first attempt had taken would be lost in the one case
/// and counted as possibly run in both. Waiting for the answer costs one round trip per stream, and streams live as long
/// as the two silos do.</remarks>
internal sealed class FrameStreamContent(ChannelReader<OutgoingFrame> frames) : HttpContent
{
    private readonly ConcurrentDictionary<long, bool> _written = new();
    private readonly TaskCompletionSource _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private int _attempt;
    private bool _ended;

    /// <summary>The peer answered the stream: from now on it reads what is written.</summary>
    public void Accepted() => _accepted.TrySetResult();

    /// <summary>True when the call's frame was handed to the stream, so the peer may have read and run it.</summary>
    public bool MayHaveReachedPeer(long callId) => _written.ContainsKey(callId);

    /// <summary>The call was answered: whatever happens to the stream now does not concern it.</summary>
    public void Answered(long callId) => _written.TryRemove(callId, out _);

    /// <summary>The stream has ended: no frame is taken from now on (one taken after the end would be counted as possibly
    /// run, though the peer can no longer read it). When the peer ended it normally, which promises that it answered
    /// every call it read, no unanswered call reached it.</summary>
    public void End(bool peerEndedNormally)
    {
        lock (_gate)
        {
            _ended = true;
            if (peerEndedNormally)
            {
                _written.Clear();
            }
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // A later attempt (the request sent again) supersedes this one, which then takes no more frames.
        var attempt = Interlocked.Increment(ref _attempt);

        // The HTTP/2 client holds the request headers back until the body is first flushed; the peer answers only once
        // it has them.
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _accepted.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        while (await frames.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (TryTake(attempt, out var frame))
            {
                await stream.WriteAsync(frame.Bytes, cancellationToken).ConfigureAwait(false);
            }

            if (Volatile.Read(ref _ended) || attempt != Volatile.Read(ref _attempt))
            {
                return;
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    private bool TryTake(int attempt, out OutgoingFrame frame)
    {
        lock (_gate)
        {
            if (_ended || attempt != _attempt || !frames.TryRead(out frame))
            {
                frame = default;
                return false;
            }

            // From here on the call may reach the other silo: if the stream breaks, its outcome is unknown.
            _written[frame.CallId] = true;
            return true;
        }
    }
}

/// <summary>A call frame waiting to be written.</summary>
internal readonly record struct OutgoingFrame(long CallId, byte[] Bytes);
