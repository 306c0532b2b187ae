using AiOs.Invocation;

namespace AiOs;

/// <summary>What a call filter sees of one call.</summary>
public interface IGrainCallContext
{
    /// <summary>The grain being called.</summary>
    GrainId TargetId { get; }

    /// <summary>The full name of the interface that declares the method ("timer" for timer ticks).</summary>
    string InterfaceName { get; }

    /// <summary>The method's name (the timer's name for timer ticks).</summary>
    string MethodName { get; }

    /// <summary>The request, with its arguments.</summary>
    GrainRequest Request { get; }

    /// <summary>The result after <see cref="Invoke"/> returns; a filter may replace it.</summary>
    object? Result { get; set; }

    /// <summary>Runs the next filter, or the call itself. Throws what the call threw.</summary>
    Task Invoke();
}

/// <summary>What kind of turn an incoming call is.</summary>
public enum GrainCallKind
{
    /// <summary>A call through a grain interface.</summary>
    Request,

    /// <summary>A tick of a grain timer.</summary>
    Timer,

    /// <summary>A tick of a durable reminder.</summary>
    Reminder,
}

/// <summary>An incoming call, seen inside the target grain's turn.</summary>
public interface IIncomingGrainCallContext : IGrainCallContext
{
    /// <summary>The grain instance.</summary>
    object Grain { get; }

    /// <summary>Whether this is a call, a timer tick or a reminder tick.</summary>
    GrainCallKind Kind { get; }
}

/// <summary>An outgoing call, seen by the caller before it is sent.</summary>
public interface IOutgoingGrainCallContext : IGrainCallContext
{
    /// <summary>The calling grain, or null when the caller is not a grain.</summary>
    GrainId? SourceId { get; }
}

/// <summary>Wraps every incoming call, timer tick and reminder tick of every grain. Filters run in registration order.</summary>
public interface IIncomingGrainCallFilter
{
    Task Invoke(IIncomingGrainCallContext context);
}

/// <summary>Wraps every outgoing grain call. Filters run in registration order.</summary>
public interface IOutgoingGrainCallFilter
{
    Task Invoke(IOutgoingGrainCallContext context);
}
