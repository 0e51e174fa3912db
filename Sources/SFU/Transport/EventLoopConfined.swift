import NIOCore

/// A reference that may be passed between tasks but only dereferenced on
/// its event loop (checked in debug builds). Unlike NIO's `NIOLoopBound` it
/// may be created off the loop, before the loop has run anything.
struct EventLoopConfined<Value: AnyObject>: @unchecked Sendable {
    private let wrapped: Value
    let eventLoop: any EventLoop

    init(_ value: Value, eventLoop: any EventLoop) {
        self.wrapped = value
        self.eventLoop = eventLoop
    }

    var value: Value {
        eventLoop.assertInEventLoop()
        return wrapped
    }
}
