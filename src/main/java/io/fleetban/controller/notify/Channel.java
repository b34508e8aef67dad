package io.fleetban.controller.notify;

/** Where notifications go: email, or one webhook. Called from its courier's thread only. */
interface Channel {

    /** For logs and metrics: "email", "webhook:ops". */
    String name();

    void send(Message m) throws DeliveryException;
}
