namespace Agent.Core.Bus;

/// <summary>
/// Hears what the broker made of a packet published with <see cref="IMessageBus.PublishPacketAsync"/>: confirmed, or
/// lost (refused by the broker, or unconfirmed when the connection went). Called off the publisher's path, from the
/// client's threads; <c>state</c> is the caller's own (the packet's length), so that nothing is allocated per packet.
/// </summary>
public interface IPublishOutcome
{
    void Confirmed(long state);

    void Lost(long state, bool refused);
}
