namespace Agent.Core.Drops;

/// <summary>
/// One thing dropped: why (<see cref="Reason"/>), what exactly (<see cref="Detail"/>, for the log), and whether it is
/// expected traffic that is counted but logged at debug level only (<see cref="Quiet"/>: hub-routed packets meant for
/// another agent). The one shape every check, codec and device uses to say no.
/// </summary>
public readonly record struct Drop(DropReason Reason, string Detail, bool Quiet = false)
{
    public override string ToString() => $"{Reason.Name()} ({Detail})";
}
