// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IUniswapV4PoolManager
/// @notice The part of Uniswap V4's PoolManager that a flash borrower and swapper uses. Every
///         action happens inside `unlock`, which calls back its caller's `unlockCallback`; the
///         caller's per-token balance with the manager (its deltas) must be zero when that returns.
interface IUniswapV4PoolManager {
    /// @notice Identifies a pool: its sorted currencies (the zero address is the native
    ///         currency), LP fee in millionths, tick spacing and hooks contract.
    struct PoolKey {
        address currency0;
        address currency1;
        uint24 fee;
        int24 tickSpacing;
        address hooks;
    }

    /// @notice A swap: direction, amount (negative for an exact input) and price limit. The
    ///         field order is the PoolManager's ABI.
    // solhint-disable-next-line gas-struct-packing
    struct SwapParams {
        bool zeroForOne;
        int256 amountSpecified;
        uint160 sqrtPriceLimitX96;
    }

    /// @notice Unlocks the manager, calls `unlockCallback(data)` on the caller, and reverts
    ///         unless every delta is settled when it returns.
    function unlock(bytes calldata data) external returns (bytes memory);

    /// @notice Swaps against a pool; returns the caller's delta, amount0 in the upper 128 bits
    ///         and amount1 in the lower (negative: owed to the manager).
    function swap(PoolKey memory key, SwapParams memory params, bytes calldata hookData)
        external
        returns (int256 swapDelta);

    /// @notice Records the manager's balance of `currency`, before the caller pays it in.
    function sync(address currency) external;

    /// @notice Credits the caller with what the manager received since `sync`.
    function settle() external payable returns (uint256 paid);

    /// @notice Sends `amount` of `currency` to `to` and debits the caller: the flash loan.
    function take(address currency, address to, uint256 amount) external;
}

/// @title IUniswapV4UnlockCallback
/// @notice Called by the PoolManager on the account that called `unlock`, and only on it.
interface IUniswapV4UnlockCallback {
    function unlockCallback(bytes calldata data) external returns (bytes memory);
}
